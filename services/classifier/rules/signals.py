"""Signals: rules that add to no intent of their own but that the engine reads (see `intents`).

- `specific_order` (read on the subject and text): the email is about an order that exists (an order number, "mi
  pedido", "I ordered", "me llegó", tracking, an item the customer already has). Such an email is never a policy
  question. A sign inside a purchase not made yet ("si compro hoy, ¿cuándo llega?") does not count
  (`purchase_not_made_yet`), nor does one in a sentence about a purchase at another shop (`bought_elsewhere`) that
  names neither this shop nor turns to another matter (`ours_too`), unless it is an order number or "my order"
  (`always_an_order`). The engine joins these
  rules into one alternation, in this order.
- `order_subject` (read on the subject alone): a subject that names an order ("Re: Tu pedido #10412 fue despachado").
- `problem`: the shop's website or checkout does not work. A failed payment and a parcel gone wrong, the other
  problems, are rules of `orders.py` (`orders.payment_went_wrong`, `orders.delivery_went_wrong`).
- `damaged`: a damaged, faulty or wrong item: a problem, and a complaint (a person looks at photos).
- `refund_policy`: refund words inside a policy question ("do you offer refunds?"): the returns topic, unless the
  email is about an order that exists.
- `product_fit`: a sizes question that names a garment asks how that product fits.
- `product_restock`: a stock question that names a garment with a colour or a size asks when that product comes
  back.
- `money_back`: a returns topic about an order that exists, with money-back words, is a refund request.
- `my_order_as_any`: "when will my order arrive?" asked alone is read as "when does an order arrive?" (see
  `intents._lone_question`); `courtesy` and `not_the_delivery` decide what "alone" means.

- `own_order`: the customer names an order, a payment or a return as theirs ("mi pedido", "my refund"), or dates
  something days ago ("el martes", "la semana pasada"): the order signs stay, whatever the learned model reads (see
  `intents.ORDER_REFERENCES`).

Flags (`specific_order`, `order_subject`, `problem`, `own_order`) and guards (`courtesy`, `not_the_delivery`,
`purchase_not_made_yet`, `bought_elsewhere`, `ours_too`, `always_an_order`) have weight 0: they add to no score.
`damaged`, `refund_policy` and `product_fit` add their weight once, however many of their rules fire.
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    ALREADY_HAPPENED,
    ANOTHER_SHOP,
    CANNOT_MAKE_IT,
    COLOUR,
    FIT_OF_A_GARMENT,
    GARMENT,
    GIFT_TO_EXCHANGE,
    HOLD_AN_ITEM,
    HYPOTHETICAL_RETURN,
    MY_ORDER_ANOTHER_WAY,
    NOBODY_AT_HOME,
    NOT_REACHING_AN_AMOUNT,
    ONE_GARMENT,
    ONE_PRODUCT_COMING_BACK,
    ORDER_TO_COME,
    OURS_TOO,
    OWN_THING,
    PAY_ON_DELIVERY,
    RESTOCKS_IN_GENERAL,
    SIZE,
    SIZE_GUIDE_MATTERS,
    SIZE_NOT_SELECTABLE,
    SIZE_TABLE,
    TOLD_WHEN_BACK,
    TRACKING_OFFERED,
    WEBSITE_LETS_ONE_CHOOSE,
    WHICH_SIZE_TO_CHOOSE,
)

# ---- specific_order: an order that exists. Pre-purchase phrasing ("si compro", "quiero comprar", "before I order")
# is not here.
SPECIFIC_ORDER: tuple[Rule, ...] = (
    Rule(
        name="signals.order_number",
        adds_to="specific_order",
        weight=0,
        description="an order number or reference ('#10412', 'pedido 10412', 'número de pedido', 'order A1042')",
        pattern=(
            r"#\s?\d{3,}|\b(pedido|orden|order|compra|purchase|numero de (pedido|orden|compra)|order (number|numero|"
            r"no\.?|id))\s*(numero\s*)?(#|:)?\s*\d{3,}\b|\b(order|purchase)\s*(#|:|no\.?|number|id|ref\w*)?\s*([{\[<]|"
            r"(?=[\w-]{3,})[a-z]*\d[\w-]*)"
        ),
        matches=(
            "Pedido 4521",
            "Where is my order #1234?",
            "Order A1042 has a problem",
        ),
        never=(
            "I want to order 2 shirts",
            "in order to choose a size",
        ),
    ),
    # The phrase alone, no number given: a softer sign, for a gift's recipient "has the order number" as the returns
    # text asks, and a customer may ask what the number is for before buying
    Rule(
        name="signals.order_number_named",
        adds_to="specific_order",
        weight=0,
        description="'número de pedido', 'order number' named without the number",
        pattern=r"\bnumero de (pedido|orden|compra|seguimiento|tracking|envio)\b|\border (number|no\.?|id)\b",
        # a gift to exchange, with the giver's order number: what the returns text asks for ("Si fue un regalo, quien
        # lo recibió puede cambiarlo con el número de pedido")
        unless=r"^(?=[\s\S]*\b(regal\w*|gift\w*)\b)(?=[\s\S]*\b(cambi\w*|exchang\w*|swap\w*)\b)",
        matches=("Te paso el número de pedido", "She has the order number."),
        never=(
            "I want to order 2 shirts",
            "Me regalaron un jean y me queda chico, ¿lo puedo cambiar yo? Mi tía me pasó el número de pedido.",
        ),
    ),
    Rule(
        name="signals.about_an_order",
        adds_to="specific_order",
        weight=0,
        description="'regarding order', 'for order ...': a named order, never 'in order to' or 'order online'",
        pattern=r"\b(for|on|of|about|with|regarding|re|from) (order|purchase)\b(?! (to|from|online|by)\b)",
        matches=(
            "Question regarding order 55",
            "I'm writing about order RD-9",
        ),
        never=("Can I pay for order online?",),
    ),
    Rule(
        name="signals.my_order_es",
        adds_to="specific_order",
        weight=0,
        description="'mi pedido', 'mis remeras', 'el pedido', 'la compra que hice'",
        pattern=(
            # not a garment of one's own measured against the size table ("medí mi remera favorita")
            r"\b(?<!\bmedi )(?<!\bmido )(?<!\bmedir )(mi|mis)\s+(pedidos?|orden(es)?|compras?|paquetes?|"
            r"encomiendas?|envios?|productos?|devolucion|reembolso|pagos?|cargos?|remeras?|camperas?|buzos?|jeans?|"
            r"pantalon(es)?|vestidos?|camisas?|polleras?|zapatillas?|prendas?|articulos?|cosas)\b(?! (favorit|"
            r"preferid|de siempre))|\b(el|este|ese|del|al) (pedido|paquete)\b|\bla (compra|orden) (que|de ayer|del|"
            r"de la semana)\b"
        ),
        matches=(
            "cuándo llega mi pedido?",
            "no me llego el pedido",
            "La compra que hice ayer",
            "Necesito ayuda con mi devolución",
            "Tuve un problema con mi pago",
        ),
        # paying on delivery asked: "¿puedo pagarle al cartero cuando me llega el paquete?" (not "me hicieron pagar al
        # recibir mi paquete")
        unless_in_sentence=(
            r"\b(puedo|puede|podes|podria|se puede|dejan|dejaban|hacen|aceptan|es posible)\b[^.?!]{0,30}\b(pag|abon)\w*"
            r"\b[^.?!]{0,30}\b(cuando|al) (me |le |nos )?(llega|llegue|llegaba|recib\w*|tenga)\b"
        ),
        never=(
            "Antes de hacer la compra quería saber si hacen envíos",
            "En otra tienda me dejaban pagar cuando me llegaba el paquete, ¿ustedes hacen eso?",
            "Medí mi remera y según la tabla soy M",
            "Comparé con mi jean favorito, ¿qué talle me conviene?",
        ),
    ),
    Rule(
        name="signals.my_order_en",
        adds_to="specific_order",
        weight=0,
        description="'my order', 'my jacket', 'this parcel': not 'my delivery options' nor 'the package options'",
        pattern=(
            r"\b(the|this|that) (package|parcel|shipment)\b(?! (options?|methods?|choices?|types?|modes?|times?|"
            r"periods?|costs?|fees?|rates?|prices?|polic(y|ies)|services?|speeds?|alternatives?|zones?)\b)|"
            # not a garment of one's own measured against the size table ("I measured my shirt")
            # nor a purchase still to be made ("I would like to plan my purchase accordingly")
            r"\b(?<!\bmeasured )(?<!\bmeasure )(?<!\bmeasuring )(?<!\bcompared )(?<!\bplan )(?<!\bplanning )"
            r"my\s+(?!(delivery|shipping|payment) (options?|methods?|choices?|alternatives?)\b)((last|previous|"
            r"recent|first|other|earlier) )?(orders?|packages?|"
            r"parcels?|purchases?|shipments?|deliver(y|ies)|refund|payment|items?|stuff|returns?|exchanges?|jackets?|"
            r"t-?shirts?|shirts?|dress|pants|jeans|hoodie|sweater|shoes|sneakers|tracking)\b"
        ),
        # nor an order to come asked to be collected instead of delivered
        unless_in_sentence=MY_ORDER_ANOTHER_WAY.pattern,
        matches=(
            "where is my parcel",
            "My jacket is too big",
            "Has this parcel left?",
            "My last parcel took a month.",
        ),
        # a parcel of an order not placed yet is any parcel: "after the order, how do I know where my package is?"
        never=(
            "Instead of having my order delivered, can I collect it at your shop?",
            "What are my delivery options?",
            "What are the package options?",
            "I measured my shirt and I'm between M and L.",
            "Several things are sold out. How often do you restock? I'd like to plan my purchase.",
        ),
    ),
    # what was bought has not come: "It never came.", "Still nothing!", "Ya pagué y nada", "no me llegó"
    Rule(
        name="signals.nothing_came",
        adds_to="specific_order",
        weight=0,
        description="what was bought has not come ('it never came', 'still nothing', 'no me llegó', 'y nada')",
        pattern=(
            r"\b(it|they|nothing|the (order|parcel|package|item|items|clothes)) (never|still (hasn'?t|haven'?t|has not|"
            r"have not)|hasn'?t|has not|haven'?t) (came|come(?! back)|arrived|shown up|showed up|turned up|been "
            r"delivered)\b|"
            r"\bnothing (has )?(came|come|arrived|turned up|showed up)\b|\b(still|and) nothing( yet)?\b(?! (else|more|"
            r"but|to)\b)|(?<!bought )(?<!ordered )\bnothing yet\b|"
            # not "si no llego al mínimo" (if I do not reach the amount)
            r"(?<!\bsi )\b(nunca|todavia no|aun no|no) (me |nos )?(llego|llegaron|vino|vinieron|recibi|recibimos)\b"
            + NOT_REACHING_AN_AMOUNT.pattern
            + r"|"
            r"\bsigo sin (recibir|nada|noticias)\b|\by nada\b(?! (mas|que))|\btodavia nada\b"
        ),
        unless_in_sentence=CANNOT_MAKE_IT.pattern,
        matches=(
            "It never came. How long does shipping take to Salta?",
            "Still nothing! How long does delivery take to Rosario?",
            "Ya pagué y nada. ¿Cuánto tarda el envío?",
            "No me llegó, ¿cuánto tarda a Córdoba?",
        ),
        never=(
            "If it doesn't arrive, what happens?",
            "¿Y si no me llega?",
            "When things sell out, do they come back, or does it never come back?",
            "Nothing else, thanks. Do you ship to Salta?",
            "Y nada más, gracias.",
            "¿Desde qué monto el envío es gratis? Y si no llego, ¿cuánto sale?",
            "Son dos remeras, no llego al mínimo para envío gratis. ¿Cuánto tarda a Rosario?",
            "How long do I have to return something? Bought nothing yet, just checking.",
        ),
    ),
    # an instruction where to send something already bought ("Please send it to Rosario.", "ship them to my office"):
    # said, not asked, it names an order that exists
    Rule(
        name="signals.send_it_there_en",
        adds_to="specific_order",
        weight=0,
        description="an instruction to send 'it', 'them' or the order to a place, said as an order, not asked",
        pattern=(
            r"(^|[.!?\n]\s*)(hi,? |hello,? )?(please |pls |kindly )?(send|ship|deliver|post|mail) (it|them|the order|"
            r"the parcel|the package|my order|my parcel|my package|everything) to\b"
        ),
        matches=("Please send it to Rosario.", "Hi, ship them to my office in Núñez please."),
        never=("Can you send it to Rosario?", "If I buy the jacket, could you ship it to Salta?"),
    ),
    Rule(
        name="signals.i_ordered_en",
        adds_to="specific_order",
        weight=0,
        description="'I ordered', 'I selected', 'did I use', 'did you ship', 'the order I placed', in English",
        pattern=(
            # not of "something I bought online": a general question's premise
            r"(?<!something )(?<!anything )(?<!an item )"
            r"\b(i|we)\s+(have\s+|just\s+|already\s+)?(ordered|bought|purchased|paid|placed (an|my|the|a) order|"
            r"received|got (my|the|a) (order|package|parcel)|returned|sent (it|the item|them) back)\b|\b(i|"
            r"we) (have )?(chose|selected|picked|opted for|checked out|entered|typed)\b|\b(did|have|had) (i|we) (use|"
            r"used|choose|chosen|chose|pick|picked|select|selected|pay|paid|order|ordered|buy|bought|enter|entered)\b|"
            r"\b(did|have|has) you (already )?(use|used|send|sent|ship|shipped|dispatch|dispatched|post|posted|charge|"
            r"charged|bill|billed|choose|chose|pick|picked)\b|\b(the|an?|this) (order|purchase|payment) (i|we) (placed|"
            r"made|did|submitted)\b|\b(i|we) (just |already |have )?(placed|made|submitted|completed) (it|an?|my|the|"
            r"this|our|two|\d+)\b"
        ),
        matches=(
            "I ordered a coat last week",
            "Which payment method did I use?",
            "How do I pay for the order I placed?",
            "What courier did you use?",
        ),
        never=("I want to order a coat", "can I exchange something I bought online at the store?"),
    ),
    Rule(
        name="signals.balance_owed",
        adds_to="specific_order",
        weight=0,
        description="a remaining balance or money owed",
        pattern=(
            r"\b(remaining|outstanding) (balance|amount|payment)\b|\bbalance (due|owed)\b|\b(i|we) owe\b|"
            r"\bpay the rest\b|\b(pagar|abonar|pago|abono) (el resto|el saldo|lo que falta)\b"
        ),
        matches=(
            "How do I pay the remaining balance?",
            "How much do I owe?",
            "Can I pay the rest by transfer?",
            "¿Puedo abonar el saldo en efectivo?",
        ),
    ),
    Rule(
        name="signals.time_past_en",
        adds_to="specific_order",
        weight=0,
        description="'yesterday', 'last week', '3 days ago', 'can I still...': something already done",
        pattern=(
            r"\b(can|could|may) (i|we) still\b|\byesterday\b|\blast (week|month|night|monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday)\b|\b(\d+|a|one|two|three|few|couple of) (days?|weeks?|months?) ago\b"
        ),
        # the day the customer wrote before, not an order's: "I know I emailed last week about something else"
        unless_in_sentence=r"\b(emailed|e-mailed|wrote|written|messaged|contacted|asked)\b",
        matches=(
            "I placed it yesterday",
            "I ordered 2 weeks ago",
            "Can I still return it?",
        ),
        never=("Apologies for writing again, I know I emailed last week about something else.",),
    ),
    Rule(
        name="signals.i_bought_es",
        adds_to="specific_order",
        weight=0,
        description="'compré', 'hice un pedido', 'me llegó', 'no me llegó', 'ya pagué', in Spanish",
        pattern=(
            # not after "si", "no", "nunca": "si compro", "nunca compré online"
            r"\b(?<!\bsi )(?<!\bno )(?<!\bnunca )(compre|pedi|encargue|pague|abone|recibi|devolvi)\b|"
            r"\b(hice|realice|hicimos|realizamos) (un|"
            r"una|el|la|mi|dos|varios|unos) (pedido|compra|orden|pago)s?\b|"
            # an order someone placed: "es para un pedido que hizo mi hija la semana pasada"
            r"\b(pedido|compra|orden) que (hizo|hice|hicimos|hicieron|realizo|realice|realizamos|realizaron)\b|"
            r"\b(me|nos) (lo |la |los |las )?(llego|llegaron|vino|vinieron|mandaron|enviaron|cobraron|debitaron)\b|"
            r"\b(?<!\bsi )(no|nunca|todavia no|aun no) (me |nos )?(llego|llegaron|recibi|recibimos)\b"
            + NOT_REACHING_AN_AMOUNT.pattern
            + r"|\b(ya|todavia|aun) (pague|abone|hice|compre|no llega|no llego)\b"
        ),
        matches=(
            "Compré hace diez días",
            "Me llegó la remera rota",
            "Ya pagué el pedido",
            "Me lo mandaron a una sucursal que queda lejos",
            "Hola, es para un pedido que hizo mi hija la semana pasada: ¿cuánto tarda a Córdoba?",
        ),
        # a purchase from another shop, told to explain the question ("el mes pasado compré unas zapatillas en otra
        # tienda y no me las cambiaron"), not one from this shop beside another's ("a diferencia de otras tiendas, el
        # jean que les compré...")
        # nor a customer who cannot make it in time ("trabajo de 9 a 18 y no llego en la semana")
        unless_in_sentence=(
            r"(?<!\bles )\b(compre|compramos|pedi|encargue)\b[^.?!]{0,40}\b(en|a) otr[oa] (tienda|marca|negocio|"
            r"comercio|sitio|pagina)\b(?! (de ustedes|suy))|" + CANNOT_MAKE_IT.pattern
        ),
        never=(
            "Si compre hoy, ¿cuándo llega?",
            "Si retiro en el local, ¿abren los sábados? Trabajo de 9 a 18 y no llego en la semana",
            "El mes pasado compré un pantalón en otra tienda y me quedó chico. ¿Cómo son los cambios con ustedes?",
            "Nunca compré ropa online, ¿cómo sé mi talle?",
            "¿Desde cuánto es el envío gratis? Y si no llego, ¿cuánto sale?",
            "Son dos remeras nada más, no llego al mínimo para envío gratis.",
        ),
    ),
    Rule(
        name="signals.tracking",
        adds_to="specific_order",
        weight=0,
        description="a tracking number or tracking ('seguimiento', 'rastreo')",
        pattern=r"\b(seguimiento|tracking|rastreo|tracking number)\b",
        # whether the shop gives tracking at all is the shipping text's question, and so is how to follow an order
        # not placed yet
        unless=TRACKING_OFFERED.pattern,
        matches=(
            "me pasan el nro de seguimiento?",
            "The tracking number doesn't work",
        ),
    ),
    Rule(
        name="signals.has_the_item",
        adds_to="specific_order",
        weight=0,
        description="the customer has the item: it does not fit, was a gift, they did not like it",
        pattern=(
            # not how clothes always fit ("siempre todo me queda grande, ¿tienen XS?")
            r"\bme(?<!\bsi me)(?<!\bsi no me)(?<!\btodo me)(?<!\bsiempre me)(?<!\bnada me)(?<!\bnunca me)"
            r"(?<!\bcapaz me)(?<!\bquizas me)(?<!\btal vez me)(?<!\bmejor me)(?<!\bsi igual me)(?<!\bsi despues me) "
            r"(queda|quedo|quedaron|quedan|vino|vinieron) "
            r"(muy |re |un poco |medio )?(chic|"
            r"grand|cort|larg|apretad|ajustad|floj|mal|enorme)\w*|\bme (regalaron|regalo|regalo un|"
            r"hicieron un regalo)\b|"
            # someone else's fit ("a mi hija le queda grande"), the item the shop sent ("el vestido que mandaron"), an
            # item described as too small after "pero" ("está buenísima pero es muy chica")
            r"\ble(?<!\bsi le)(?<!\bsi no le)(?<!\bcapaz le)(?<!\bquizas le)(?<!\btal vez le)(?<!\bsi igual le) "
            r"(queda|quedo|quedaron|quedan|vino|vinieron) (muy |re |un poco |medio )?(chic|grand|cort|larg|apretad|"
            r"ajustad|floj|enorme)\w*|\bque (me |nos |le |les )?(mandaron|enviaron|despacharon)\b|"
            r"\bpero (es|esta|son|estan) (muy|re|demasiado|bastante|medio|un poco) (chic|grand|apretad|ajustad|cort|"
            r"larg)\w*|"
            r"\b(?<!\bif )(?<!\bwhat if )(it|they|this|these) (doesn'?t|don'?t|does not|"
            r"do not) fit( me)?\b|\b(i|we) (got|received) (it|them|the [a-z]+) as a gift\b|\bno me (gusto|convencio|"
            r"sirvio|quedo bien|quedaron bien|gustaron)\b|\b(didn'?t|did not) (like|fit)\b"
        ),
        # a present to exchange is the returns text's, however the customer came to have it
        unless=GIFT_TO_EXCHANGE.pattern,
        matches=(
            "Me quedó chico el jean",
            "Me regalaron un buzo",
            "It doesn't fit me",
            "I didn't like the colour",
            "A mi hija le encantó el vestido que mandaron pero le queda grande.",
            "La campera está buenísima pero es muy chica.",
        ),
        never=(
            "Me regalaron un buzo y me queda chico, ¿lo puedo cambiar en el local?",
            "Si me queda chico, ¿lo puedo cambiar?",
            "¿Tienen XS? Soy muy flaquita y siempre todo me queda grande",
            "Con L me marca bien pero XL capaz me queda larga, ¿cuál me recomiendan?",
            "Si igual me queda mal, ¿puedo cambiarlo por otro talle?",
            "What if it doesn't fit?",
            "Es para mi hermana: por si le queda grande, ¿lo puede cambiar?",
            "Mi hija es muy flaquita, en todos lados el S le queda enorme. ¿Tienen XS?",
        ),
        # how clothes fit everywhere, not the item bought here
        unless_in_sentence=r"\b(en todos lados|en todas partes|en todas las (marcas|tiendas)|en (las )?otras (marcas|"
        r"tiendas)|en otros lados|in (most|other|all) (shops|stores|brands)|everywhere)\b",
    ),
    Rule(
        name="signals.what_happened_en",
        adds_to="specific_order",
        weight=0,
        description="what was done or said about a parcel ('Ordered Monday.', 'it shipped', 'you told me', 'mine')",
        pattern=(
            # not a phone's signature ("Sent from my iPad")
            # not "bought nothing yet"
            r"(^|[.!?\n;]\s*)((ordered|bought|purchased)\b(?! (nothing|anything)\b)|paid|placed|shipped|"
            r"sent(?! from (my|mobile|outlook|yahoo))|returned|received)\b|\b(it|they|"
            r"the order|the parcel|the package|mine)( shipped| left| was due| were due| arrived| is at| is in|"
            r" was sent| went out| says| said| took|"
            # "it's been ten days", not "it's been a shock"
            r"( has been|'s been)(?= (\d+|a (week|month|day|fortnight|while|long time)|an? (hour|age)|over|more than|"
            r"almost|nearly|two|three|four|five|six|seven|ten|several|weeks|days|ages|forever|so long|shipped|sent|"
            r"delivered|returned|dispatched|lost|stuck|waiting|in transit)\b))\b|\b(you|they|the seller|the website|"
            r"the site|the email|the courier) (told|said|promised|says)\b|\bshould('?ve| have) (been|arrived|come)\b|"
            r"\b(been|i'?ve been|we'?ve been) waiting\b|\bday \d+\b|"
            # the customer's own parcel ("where's mine?"), not "a cardigan of mine"
            r"\b(where'?s|where is|and|but) mine\b|\bmine (has|hasn'?t|is|isn'?t|was|wasn'?t|still|never|didn'?t|did "
            r"not|came)\b"
        ),
        matches=(
            "Expected arrival date? Ordered Monday.",
            "It shipped on Monday",
            "You told me Friday",
            "When will my order arrive? I'm on day 9 now.",
            "It's been ten days and nothing",
            "My friend got hers, where's mine?",
            "Shipped yet? How long does delivery usually take to Córdoba?",
        ),
        never=(
            "I'd rather compare with a favourite cardigan of mine",
            "He's fifteen, it's been a shock for all of us. What sizes do you make?",
            "Do you accept American Express?\nMark\nSent from my iPad",
            "How long do I have to return something? Bought nothing yet, just checking.",
        ),
    ),
    Rule(
        name="signals.order_context_words",
        adds_to="specific_order",
        weight=0,
        description="a national ID (DNI), 'order placed', 'last time', 'worried', 'no news'",
        # a DNI given with its number; "¿tengo que llevar el DNI para retirar?" asks what the shipping text says
        pattern=(
            r"\bdni\b(?=\W{0,3}(es |n\w{0,3}\W{0,2}|numero |nro\.? )?\d)|\border placed\b|\blast time\b|"
            r"\b(worried|annoyed|no news)\b"
        ),
        matches=(
            "Name: Ana Perez, DNI 30111222",
            "Mi DNI es 30.123.456",
            "Order placed by Ana Gomez",
            "Can you give me an ETA? I'm getting worried.",
        ),
        never=("¿Tengo que llevar el DNI para retirar en la sucursal?", "Ya tengo mi DNI argentino."),
    ),
    Rule(
        name="signals.waited_es",
        adds_to="specific_order",
        weight=0,
        description="a wait in Spanish ('hace una semana', 'ya pasaron 10 días', 'debería haber llegado')",
        pattern=(
            r"\bhace (una|un|dos|tres|\d+|mas de \w+) (semanas?|dias?|mes|meses)\b|\b(ya )?(pasaron|van|llevo|"
            r"lleva) (\w+ )?(dias|semanas)\b|\b(tendria|deberia|tenia) (que )?haber llegado\b"
        ),
        # not a week spent looking at the website ("estoy mirando la web hace una semana")
        unless_in_sentence=r"\b(mirando|miro|viendo|veo|pensando|pienso|averiguando|chusmeando|vichando)\b",
        matches=(
            "Hace una semana que lo espero",
            "Ya pasaron 10 días",
            "Debería haber llegado el lunes",
        ),
        never=("Hace una semana que estoy mirando la web y quiero saber si reponen",),
    ),
    Rule(
        name="signals.paid_es",
        adds_to="specific_order",
        weight=0,
        description="'lo hice el martes', 'ya lo aboné', 'está pago'",
        pattern=(
            r"\b(lo|la|los|las) (hice|hicimos|pedi|compre|abone|pague|abonamos|pagamos|encargue)\b|\bya (lo |"
            r"la )?(abon|pag)\w*|\besta pag[oa]\b|"
            # a transfer or payment made: "hice la transferencia ayer"
            r"(?<!\bsi )\b(hice|realice|hicimos|realizamos|mande|envie) (la|una|el) (transferencia|pago)\b"
        ),
        matches=(
            "Lo hice el martes",
            "Ya lo aboné",
            "El pedido está pago",
            "Hice la transferencia el lunes, ¿cuándo despachan?",
        ),
    ),
    Rule(
        name="signals.news_and_wait_es",
        adds_to="specific_order",
        weight=0,
        description="what someone said, the parcel left, a wait or worry, in Spanish ('me dijeron', 'estoy esperando')",
        pattern=(
            r"\bme (dijeron|avisaron|escribieron|informaron|confirmaron)\b|\bsalio (de|del|el|ayer|hoy)\b|\b(estoy|"
            r"sigo|seguimos|estamos) esperando\b|\bel cartero\b|\bpreocupad\w*|\bno tengo (noticias|novedades)\b|"
            r"\bnumero \d+|\bcentro de distribucion\b"
        ),
        matches=(
            "Me dijeron que salía el viernes",
            "Estoy esperando el paquete",
            "Vino el cartero y no había nadie",
            "No tengo novedades",
        ),
    ),
    Rule(
        name="signals.someone_bought_es",
        adds_to="specific_order",
        weight=0,
        description="bought by us or by someone ('compramos', 'mi mamá me compró', 'hicimos un pedido')",
        pattern=(
            # "me pidió una campera de regalo" asks for a present, it orders nothing
            r"\b(compraron|compramos|encargaron|abonaron|pidieron|pedimos)\b|\bpidio\b(?! (de|como|para) (regalo|su "
            r"cumple|el cumple|navidad|reyes))|"
            r"\bmi (mama|papa|madre|padre|"
            r"novi[oa]|herman[oa]|espos[oa]|marido|mujer|suegr[oa]|hij[oa]|abuel[oa]|ti[oa]|amig[oa]|prim[oa]|jefe|"
            r"jefa) (me |les |le )?(compro|pidio|encargo|regalo|hizo|abono|pago)\b|\b(hizo|hicieron|hicimos) (un|"
            r"el) pedido\b"
        ),
        # a present to exchange is the returns text's, however the customer came to have it
        unless=GIFT_TO_EXCHANGE.pattern,
        matches=(
            "Compramos dos camperas el martes",
            "Mi mamá me compró un buzo",
            "Mi novio hizo un pedido",
            "Me pidieron que mande una foto de la etiqueta",
        ),
        never=("Mi nieta me pidió de regalo una campera, ¿hacen envíos a Tucumán?",),
    ),
    Rule(
        name="signals.paid_or_mine_es",
        adds_to="specific_order",
        weight=0,
        description="'todo abonado', 'el mío', 'la mía', 'ya van...'",
        # "¿cuál es el mío?" asks which size is the customer's
        pattern=r"\b(todo )?(abonado|pagado)\b|\b(?<!\bcual es )(el mio|la mia)\b|\bya van\b",
        matches=(
            "Ya está todo abonado",
            "El mío todavía no",
            "Ya van diez días",
        ),
        never=("¿Cómo sé cuál es el mío? Nunca compré ropa online",),
    ),
    Rule(
        name="signals.someone_bought_en",
        adds_to="specific_order",
        weight=0,
        description="ordered or bought by someone else, or on someone's behalf",
        pattern=(
            r"\b(he|she|they|my \w+(-in-law)?) (has |have |had |just )?(ordered|bought|purchased|paid|placed an order|"
            r"got me|gave me)\b|\b(bought|got|ordered|gave) (me|it for me|them for me)\b|\b(on behalf of)\b"
        ),
        # a present to exchange is the returns text's, however the customer came to have it
        unless=GIFT_TO_EXCHANGE.pattern,
        never=("My girlfriend bought me a jacket but it's too big. Can I swap it myself?",),
        matches=(
            "My wife ordered me a jacket",
            "He bought it for me",
            "I'm writing on behalf of my mother",
        ),
    ),
    Rule(
        name="signals.has_the_item_en",
        adds_to="specific_order",
        weight=0,
        description="the item is with the customer: arrived today, too tight, washed, not happy with it",
        pattern=(
            r"\barrived (today|yesterday|this morning|this week)\b|\b(the|my) (sleeves?|waist|length|fit|hem) (is|"
            r"are) (too|a bit|very|really)\b|\bnot happy with\b|"
            # (not a condition asked of a return to come: "can you return something if you washed it once?")
            r"\b(?<!\bif )(?<!\bif you )(?<!\bif i )(?<!\bif we )(?<!\bif i have )(?<!\bif i've )(?<!\bif you have )"
            r"(?<!\bif you've )(i |we )?(washed|wore|worn) (it|them|once)\b|"
            # an item named by how it reached the customer: "the dress that came on Monday", "the coat I got"
            r"\bthe (?!(last |first |next )?times? )\w+( \w+)? (that|which|i|we) (came|arrived|got|received|bought|"
            r"ordered)\b|"
            # "the dress you sent", "it's too big" (not "if it's too big"), "I have the receipt here"
            r"\bthe \w+( \w+)? (that )?you (sent|shipped|posted|delivered|mailed)\b|"
            r"\b(?<!\bif )(?<!\bcase )(it|they)('s| is|'re| are) (too|a bit|a little|slightly|way too|really) "
            r"(big|small|tight|loose|long|short|large|snug)\b|"
            r"\b(i|we) (have|kept|still have|'ve got|have got) (the|my|a) (receipt|invoice|ticket|packing slip)\b|"
            # "the sleeves are way too long", "the colour looks different in person", "just need a size up", "before I
            # send it back", "can I exchange this?"
            r"\b(is|are) way too (big|small|tight|loose|long|short|large)\b|"
            r"\b(looks?|is|are) (different|darker|lighter|brighter|duller) (in person|in real life|than (in )?(the "
            r"|your )?(photos?|pictures?|website))\b|\bneed (a|one) size (up|down|bigger|smaller|larger)\b|"
            r"\b(before|once) (i|we) (send|return|post|ship) (it|them|the \w+) back\b|"
            # when it reached the customer: "I got the coat on Saturday", "we received them yesterday"
            r"\b(i|we) (got|received) (it|them|the \w+|my \w+) (yesterday|today|this (morning|week)|last (week|\w+day)|"
            r"on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b|"
            r"\b(exchange|return|swap|send back) (this|these)\b(?! (kinds?|types?|sorts?) of)"
        ),
        matches=(
            "The sweater arrived today",
            "The sleeves are too long",
            "I washed it once",
            "I got the boots on Monday. Can I still swap them if I wore them once?",
            "If I return the dress that came on Monday, when is the money back?",
            "My daughter loved the dress you sent, but it's too big.",
            "Hello, I have the receipt here. Can I exchange the shirt?",
            "I love the sweater but the sleeves are way too long for me.",
            "The colour looks different in person. Can I return them?",
            "The hoodie is great, just need a size up.",
            "Before I send it back, how many days do I have to return it?",
            "Can I exchange this for a different colour?",
        ),
        never=(
            "If it's too big, can I exchange it for a smaller size?",
            "In case they're too small, can I swap them?",
            "Can I return this kind of item?",
            "can u still return something if u washed it once?",
            "Can I exchange it if I've worn it once?",
            "If I got it on sale, can I still return it?",
        ),
    ),
    Rule(
        name="signals.has_the_item_es",
        adds_to="specific_order",
        weight=0,
        description="'ya la lavé', 'ya tenía', 'saqué la etiqueta'",
        pattern=(
            r"\bya (la|lo|las|los) (lave|use|estrene|lavamos)\b|\bya tenia\b|\b(saque|sacamos|sacaron|"
            r"saco) la etiqueta\b"
        ),
        matches=(
            "Ya la lavé una vez",
            "Sacaron la etiqueta sin querer",
        ),
    ),
    Rule(
        name="signals.sent_back",
        adds_to="specific_order",
        weight=0,
        description="an item or a return already sent back ('I posted it back', 'mandé la devolución')",
        pattern=(
            r"\b(posted|mailed|shipped|sent|returned) (the|my|it|them|both) (\w+ )?back\b|\b(mailed|posted|"
            r"sent) the return\b|\b(mande|envie|despache) (la|el) (devolucion|cambio|paquete)\b"
        ),
        matches=(
            "I sent the jacket back",
            "I mailed the return on Monday",
            "Mandé la devolución el lunes",
        ),
    ),
    Rule(
        name="signals.courier_said",
        adds_to="specific_order",
        weight=0,
        description="what the courier said ('Andreani dice...', 'the courier said')",
        pattern=(
            r"\b(andreani|correo argentino|el correo|oca|the courier|the carrier|dhl|fedex|ups|the post office|"
            r"el cartero) (dice|dijo|says|said|told)\b"
        ),
        matches=(
            "Andreani dice que la dirección es incorrecta",
            "The courier said nobody was home",
        ),
    ),
    Rule(
        name="signals.chose_pickup_es",
        adds_to="specific_order",
        weight=0,
        description="a pickup or delivery chosen at checkout, or a switch to pickup, in Spanish",
        pattern=(
            # "prefiero retirarlo" is a thing bought; "prefiero retirar en una sucursal, ¿se puede?" a way asked of
            r"\b(elegi|seleccione) (envio|retiro)\b|\b(cambiar|pasar) a retiro\b|\bprefiero (pasar a buscar|"
            r"retirar)(lo|la|los|las)\b|\bpase por el local\b"
        ),
        matches=(
            "Elegí retiro en el local",
            "Quiero pasar a retiro",
            "Prefiero pasar a buscarlo",
            "Pasé por el local",
        ),
        never=("Prefiero retirar en una sucursal del correo porque no estoy nunca en casa. ¿Se puede?",),
    ),
    Rule(
        name="signals.exchange_an_item_es",
        adds_to="specific_order",
        weight=0,
        description="an exchange or return asked for an item the customer has ('quiero cambiar el buzo gris')",
        pattern=(
            r"\b(quiero|necesito|quisiera|me gustaria|queria) (hacer|realizar|pedir|solicitar|gestionar) (un|el|una|"
            r"la) (cambio|devolucion)\b|\b(quiero|necesito|quisiera|me gustaria|queria) (cambiar|devolver) (el|la|los|"
            r"las|mi|mis|este|esta|unos|unas|un|una) \w+"
        ),
        matches=(
            "Hola, quiero hacer un cambio",
            "quiero cambiar el talle de la remera",
        ),
    ),
    Rule(
        name="signals.item_from_you",
        adds_to="specific_order",
        weight=0,
        description="an item from the shop the customer has, tried on or finds tight, tags still on",
        pattern=(
            r"\b(tengo|i have|i'?ve got) (a|an|una|un|the|this|two|dos) \w+ (\w+ )?(from you|de ustedes|"
            r"que (les )?compre)\b|\bme (la|lo|las|los) probe\b|"
            # not how everything fits everywhere ("everything in Argentina is too big for me")
            r"\b(?<!\beverything )(?<!\beverything here )(is|are) (a bit|a little|too|very|really|"
            r"slightly) (tight|small|big|large|loose|short|long|wide|narrow)\b|"
            r"\b(tags?|labels?) (still on|on it)\b(?<!\bneed the tag still on)(?<!\bneed the tags still on)"
            r"(?<!\bneeds the tag still on)(?<!\bneed tags still on)(?<!\bneed the label still on)|"
            r"\btodavia tiene la etiqueta\b"
        ),
        matches=(
            "Tengo una campera de ustedes",
            "Me la probé y no me entra",
            "The shirt is a bit tight",
            "Tags still on",
        ),
        never=("For a return, does it need the tag still on?", "Do you make XS? Everything here is too big for me."),
    ),
    Rule(
        name="signals.past_orders",
        adds_to="specific_order",
        weight=0,
        description="past or last orders",
        pattern=(
            r"\b(last|previous|past) (\w+ )?(orders?|purchases?)\b|\b(ultimos|ultimas|anteriores) (pedidos|compras)\b"
        ),
        matches=(
            "Paid my last order with a card",
            "Mis últimos pedidos llegaron bien",
        ),
    ),
    Rule(
        name="signals.still_waiting",
        adds_to="specific_order",
        weight=0,
        description="a wait ('ya pasó una semana y nada', 'expecting a parcel', 'just checked out')",
        pattern=(
            r"\bya paso (una|un|\d+|mas de) \w+\b|\by nada\b|\b(expecting|waiting for|awaiting) (a|an|my|the) (parcel|"
            r"package|order|delivery)\b|\bjust checked out\b"
        ),
        matches=(
            "Ya pasó una semana y nada",
            "I'm expecting a parcel from you",
            "I just checked out",
        ),
    ),
    Rule(
        name="signals.you_shipped_it",
        adds_to="specific_order",
        weight=0,
        description="'you shipped it', 'you guys sent my...'",
        pattern=r"\byou( guys| all)? (shipped|sent|dispatched|posted|mailed) (it|them|my|the|our)\b",
        matches=("You guys shipped it on Friday",),
    ),
    Rule(
        name="signals.proof_of_payment",
        adds_to="specific_order",
        weight=0,
        description="a transfer made or its receipt ('transferí', 'comprobante', 'adjunto')",
        pattern=r"\b(les |le )?transferi\b|\bcomprobante\b|\badjunto\b",
        # how to send the receipt, asked before paying, is the payment text's question (it says how)
        unless_in_sentence=r"\b(como|donde|cuando|a donde|a que \w+)\b[^.?!]{0,25}\b(les |le )?(mando|envio|paso|"
        r"adjunto|mandar|enviar|pasar|adjuntar|mandamos|enviamos)\b[^.?!]{0,20}\bcomprobante\b",
        matches=(
            "Les transferí hoy",
            "Adjunto el comprobante",
        ),
        never=("Si pago por transferencia, ¿cómo les mando el comprobante?",),
    ),
    Rule(
        name="signals.reference_or_an_order",
        adds_to="specific_order",
        weight=0,
        description="a reference code ('Ref RDS-10488') or 'I have an order'",
        pattern=(
            r"\bref\w*\W{0,3}[a-z]{0,4}-?\d|\b(i|we)( have|'ve got|'ve| got| already have) an? (order|purchase)\b"
        ),
        matches=(
            "Order ref: RDS-10488",
            "I've got an order with you",
        ),
    ),
    Rule(
        name="signals.order_in_a_name_or_forgot",
        adds_to="specific_order",
        weight=0,
        description="an order in someone's name, the confirmation, or something forgotten",
        pattern=(
            r"\b(la|el|mi) (compra|pedido|orden) a nombre\b|\ba nombre de\b|\b(la|the) confirma(cion|tion)\b|"
            # something forgotten in an order, not a question one forgot to ask ("me olvidé de preguntar")
            r"\bme olvide\b(?! (de )?(preguntar|consultar|decir|comentar|mencionar|aclarar))|\bi forgot\b(?! to (ask|"
            r"mention|say))"
        ),
        matches=(
            "La compra a nombre de Martina Gómez",
            "I didn't get the confirmation",
            "Me olvidé de poner el piso",
        ),
        never=("Me olvidé de preguntar: ¿hacen envíos a Salta?", "I forgot to ask, do you ship to Salta?"),
    ),
)

# ---- the purchase not made yet that hides a sign of an order, and the signs it never hides
HYPOTHETICAL: tuple[Rule, ...] = (
    # Present and subjunctive forms only: "if I ordered the right size" ("whether") names an order that exists; a
    # past form is a hypothetical only with a time to come ("if I bought it today").
    Rule(
        name="signals.purchase_not_made_yet",
        adds_to="purchase_not_made_yet",
        weight=0,
        description="the start of a purchase not made yet ('si compro', 'if I order', 'if I bought it today')",
        pattern=(
            r"\b(si|if|en caso de que|in case)\s+(i |we |yo |nosotros )?(compro|compramos|comprara|compraramos|"
            r"comprase|compraria|hago|hacemos|hiciera|hicieramos|ordeno|pido|pedimos|pidiera|encargo|encargamos|order|"
            r"buy|purchase|place|get|were to)\b|"
            # a way to pay chosen for a purchase to come: "si elijo pagar por transferencia, ¿cómo aviso que ya pagué?"
            r"\b(si|if)\s+(i |yo )?(elijo|elegimos|pago|pagamos|abono|abonamos|choose|pay|pick|select) "
            r"(pagar |to pay )?(con|por|en|with|by|via|in)\b|"
            r"\b(if|in case) (i|we) (bought|ordered|purchased|placed|"
            r"got)\b(?=[^.?!\n]{0,30}\b(today|now|tomorrow|tonight|this (week|morning|afternoon|evening)|next)\b)|"
            # paying now or soon: "si pago hoy con tarjeta, ¿cuándo sale el pedido?", "if I pay for my order by card
            # today"
            r"\b(si|if) (yo |i |we )?(pago|pagamos|abono|abonamos|pay)\b[^.?!\n]{0,30}\b(hoy|manana|ahora|today|now|"
            r"tomorrow|tonight)\b|\bsi (hoy|manana|ahora) (pago|pagamos|abono|abonamos|transfiero|compro|compramos)\b|"
            # the size of an order still to be placed: "mi pedido sería de unos 40.000", "my order would be about"
            r"\b(mi|el) (pedido|compra) (seria|va a ser|es) de (unos|unas|aprox\w*|alrededor|mas o menos|como|"
            r"mas de)\b|"
            # (an amount after it: not "my order is over a week late")
            r"\bmy (order|purchase) ((would|will|is going to) be|is) (about|around|roughly|approximately|over|under) "
            r"(ars ?|\$ ?)?(\d|[a-z]+ (thousand|hundred|mil)\b)|"
            # what the customer might do to an item: "si le saco la etiqueta pero no lo uso, ¿lo puedo cambiar?",
            # "si una prenda ya la lavé, ¿se puede cambiar?", "if I remove the tags, can I still return it?"
            r"\b(si|if) (i |yo )?(le |la |lo |una prenda |algo |the item |an item |it )?(ya )?(la |lo )?(saco|sacamos|"
            r"lavo|lave|lavamos|uso|use|pruebo|probe|remove|wash|wear|try it on)\b|"
            # ... or might have done: "if I've removed the tags but not worn it, can I still return it?"
            r"\b(if|in case) (i|we)('ve| have)( already)? (removed|washed|worn|tried|cut|taken)\b|"
            + NOBODY_AT_HOME.pattern
            + r"|"
            # a delivery when nobody is at home: "if I'm not home when the parcel arrives, what happens?"
            # buying in general, in the present: "cuando compro, ¿cómo me entero de que lo despacharon?", "los 30 días,
            # ¿se cuentan desde que compro o desde que me llega?"
            r"\b(cuando|desde que|una vez que|apenas|en cuanto) (yo )?(compro|compras|compramos|pido|pedis|pedimos|"
            r"pago|pagas|pagamos|abono|abonamos)\b|"
            # an order still to be placed: "antes de hacer el pedido", "una vez que hago el pedido"
            r"\b(antes de|para|al|cuando|una vez que|apenas|en cuanto) (hacer|hago|haga|hagamos|realizar|realizo|"
            r"realice|confirmar|confirmo|confirme|armar|armo|arme|concretar|concreto|concrete) (el|la|un|una) "
            r"(pedido|compra|orden)\b|"
            # "after the order, how do I know where my package is?", "¿se puede pagar cuando llega el paquete?"
             + ORDER_TO_COME.pattern + r"|" + PAY_ON_DELIVERY.pattern
        ),
        matches=(
            "Si compro hoy, ¿cuándo llega?",
            "I am going to order soon. After the order, how do I know where my package is?",
            "¿se puede pagar cuando llega el paquete?",
            "If I order today, how long?",
            "what if I bought it today?",
            "si elijo pagar por transferencia, ¿cómo les aviso que ya pagué?",
            "If I pay by bank transfer, where do I send the receipt once I've paid?",
            "Si pago hoy con tarjeta, ¿cuándo sale el pedido?",
            "Si hoy abono por transferencia, ¿cuándo despachan el pedido?",
            "If I pay for my order by card today, how soon would you send it out?",
            "Mi pedido sería de unos 40.000 pesos, ¿el envío se paga aparte?",
            "My order would be about 50,000 pesos, is shipping free?",
            "Antes de hacer el pedido quería saber cuánto tarda el envío a Rosario",
            "¿Cuánto tiempo tengo para transferir una vez que hago el pedido?",
            "si le saco la etiqueta a algo pero no lo uso lo puedo cambiar igual?",
            "Si una prenda ya la lavé una vez, ¿igual se puede cambiar?",
            "Los 30 días para cambiar, ¿se cuentan desde que compro o desde que me llega el paquete?",
            "If I've removed the tags but not worn the item, can I still return it?",
        ),
        never=(
            "I'm not sure if I ordered the right size",
            "Pregunto si compré bien el talle",
            "No sé si pagué con la tarjeta correcta",
            "Can you check if I paid with the right card?",
            "Cuando hice el pedido me cobraron dos veces",
            "Pagué ayer, ¿cuándo sale el pedido?",
            "Me hicieron pagar al recibir mi paquete un extra, ¿por qué?",
            "I'm not going to order from you again",
        ),
    ),
    # A purchase at another shop names no order of ours, wherever it stands in its sentence: "en otra tienda compré
    # algo que figuraba disponible", "I bought jeans elsewhere and the size was wrong".
    Rule(
        name="signals.bought_elsewhere",
        adds_to="bought_elsewhere",
        weight=0,
        description="a purchase at another shop ('en otra tienda', 'en otro lado', 'at another store', 'elsewhere')",
        pattern=ANOTHER_SHOP.pattern,
        matches=(
            "En otra tienda compré algo que figuraba disponible y no había",
            "I bought a coat at another store and it never came",
            "En casi todas las marcas el S me queda enorme, ¿tienen XS?",
            "Me pasó con otra tienda que compré y después me dijeron que no había",
        ),
        never=("Compré en su tienda el lunes", "El correo dejó el paquete en otro lado"),
    ),
    # What keeps a sentence about another shop ours: the shop named in it, or a turn to something else ("pero").
    Rule(
        name="signals.ours_too",
        adds_to="ours_too",
        weight=0,
        description="the shop or its parcel named in a sentence, or a 'but' that turns to another matter",
        pattern=OURS_TOO.pattern,
        matches=("La remera que les compré me queda chica", "one from you and one elsewhere"),
    ),
    # ("if I buy another, can you ship it with my order?")
    Rule(
        name="signals.always_an_order",
        adds_to="always_an_order",
        weight=0,
        description="an order number or 'my order': a sign of an order that no hypothetical purchase hides",
        # not an order still to be placed or paid for ("before I place my order", "antes de hacer mi pedido"), nor
        # one whose size is guessed ("mi pedido sería de unos 40.000 pesos")
        pattern=(
            r"\d{3,}|(?<!place )(?<!placing )(?<!pay for )(?<!paying for )\bmy (order|purchase)\b"
            r"(?! ((would|will|is going to) be|is) (about|around|roughly|approximately|over|under) (ars ?|\$ ?)?(\d|"
            r"[a-z]+ (thousand|hundred|mil)\b))|"
            r"(?<!hacer )(?<!realizar )(?<!pagar )\bmi (pedido|compra)\b"
            r"(?! (seria|va a ser|es) de (unos|unas|aprox\w*|alrededor|mas o menos|como|mas de)\b)"
        ),
        matches=(
            "if I buy another, can you ship it with my order?",
            "pedido 10412",
            "mi pedido va a ser despachado hoy?",
            "Will my order be shipped today?",
        ),
        never=(
            "if I order today",
            "If I pay for my order today",
            "antes de hacer mi pedido",
            "mi pedido sería de unos",
            "My order is about forty thousand pesos, is shipping free?",
        ),
    ),
)

# ---- own_order: the customer's own order, return or refund named as theirs ("mi devolución", "my order"): a sign
# that no reading of the whole email sets aside (see `intents.ORDER_REFERENCES`).
OWN_ORDER: tuple[Rule, ...] = (
    Rule(
        name="signals.ones_own_order",
        adds_to="own_order",
        weight=0,
        description="'mi pedido', 'mi devolución', 'my order', 'my refund': an order or a return of the customer's",
        pattern=(
            r"\b(mi|mis) (pedidos?|compras?|ordenes|orden|devolucion|reembolso|pagos?)\b|"
            r"\bmy (orders?|purchases?|refund|return|payment)\b"
        ),
        matches=("Necesito ayuda con mi devolución", "Where is my order?", "Tuve un problema con mi pago"),
        never=("Es mi primera compra", "Before I place an order"),
    ),
    # an item already washed or worn is the customer's own, in a state the returns text rules out: a person judges it
    Rule(
        name="signals.item_washed_or_worn",
        adds_to="own_order",
        weight=0,
        description="an item the customer has washed or worn ('lo lavé', 'washed it once', 'I wore it')",
        pattern=(
            r"\b((lo|la|los|las) )?(lave|lavamos)\b|\bya (lo |la |los |las )?(use|usamos|lave)\b|\b(lo|la|los|las) "
            r"(use|usamos) (una|dos|un par)\b|\b(i|we) (washed|wore)\b|\bwashed (it|them)\b|\bworn (it|them) "
            r"(once|twice|a few times)\b"
        ),
        matches=(
            "Hola, lavé una vez el pantalón y me queda largo. ¿Lo puedo cambiar igual?",
            "I washed a shirt once before noticing the sleeves are too short. Can I still exchange it?",
        ),
        never=("¿Se puede lavar en lavarropas?", "Can I return it if it was washed?"),
    ),
    # a purchase or a parcel dated days ago is a recent order, whatever else the email tells
    Rule(
        name="signals.days_ago",
        adds_to="own_order",
        weight=0,
        description="a recent day or a count of days gone by ('el martes', 'la semana pasada', 'ya van diez días')",
        pattern=(
            r"\b(el|este|desde el|del) (lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b|\b(la semana|el mes) "
            r"pasad[oa]\b|\bhace (\d+|un|una|dos|tres|cuatro|cinco|unos|unas|varios|varias) (dias|semanas?|mes(es)?)\b|"
            r"\b(ayer|anteayer)\b|\bya (van|paso|pasaron)\b|\b(yesterday|last (week|month|monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday)|this week|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
            r"\b|\b(\d+|a|one|two|three|a few|several) (days?|weeks?) ago\b"
        ),
        matches=(
            "Compramos dos camperas el martes",
            "Ya está todo abonado desde el lunes",
            "Ya van como diez días y no tengo nada",
            "I'm expecting a parcel from you this week",
        ),
        never=("¿Cuánto tarda el envío a Mendoza?",),
    ),
)

# ---- order_subject: a subject that names an order: the shop's own order mails ("Tu pedido #10412 fue despachado",
# "¡Gracias por tu compra!") answered by the customer, whose quoted history (removed before the rules run) held the
# order.
ORDER_SUBJECT: tuple[Rule, ...] = (
    Rule(
        name="signals.subject_your_order",
        adds_to="order_subject",
        weight=0,
        description="a subject naming the customer's order ('Tu pedido', 'Your order')",
        pattern=r"\b(tu|su|mi|your|my) (pedido|compra|orden|order|purchase|envio|paquete|shipment|package)\b",
        # an order not placed yet: "Before I place my order"
        unless=ORDER_TO_COME.pattern,
        matches=(
            "Re: Tu pedido",
            "Your order",
        ),
        never=("Before I place my order",),
    ),
    Rule(
        name="signals.subject_order_number",
        adds_to="order_subject",
        weight=0,
        description="a subject with an order number ('Pedido #10412')",
        pattern=r"\b(pedido|compra|orden|order)\s*(#|numero|n)?\s*:?\s*\d{3,}",
        matches=(
            "Pedido #10412",
            "Order 5521",
        ),
    ),
    Rule(
        name="signals.subject_order_shipped",
        adds_to="order_subject",
        weight=0,
        description="a subject saying an order was confirmed, shipped or delivered",
        pattern=(
            r"\b(pedido|compra|orden|order|purchase|envio|shipment) (fue |ha sido |was |has been )?(confirmad[oa]|"
            r"despachad[oa]|enviad[oa]|recibid[oa]|entregad[oa]|aprobad[oa]|confirmed|shipped|dispatched|delivered|"
            r"received)\b"
        ),
        matches=(
            "Pedido confirmado",
            "Order shipped",
        ),
    ),
    Rule(
        name="signals.subject_thanks_for_your_order",
        adds_to="order_subject",
        weight=0,
        description="'¡Gracias por tu compra!', 'Thank you for your order'",
        pattern=r"\bgracias por (tu|su) compra\b|\bthanks? (you )?for your (order|purchase)\b",
        matches=(
            "¡Gracias por tu compra!",
            "Thank you for your order",
        ),
    ),
    Rule(
        name="signals.subject_problem_or_request",
        adds_to="order_subject",
        weight=0,
        description="a subject about a problem or a request ('Reclamo', 'Demora', 'Missing item')",
        pattern=(
            r"\b(problema|reclamo|problem|complaint|demora|demorad[oa]|incomplet[oa]|pendiente|faltante|missing|"
            r"delay\w*|late|damaged|rot[oa]|exchange request|return request|refund request|solicitud de (cambio|"
            r"devolucion))\b"
        ),
        matches=(
            "Reclamo",
            "Pedido incompleto",
            "Missing item",
            "Solicitud de cambio",
        ),
    ),
    Rule(
        name="signals.subject_reference",
        adds_to="order_subject",
        weight=0,
        description="a subject holding a reference of four digits or more ('RDS-10488', '10555')",
        pattern=r"\b[a-z]{0,4}-?\d{4,}\b",
        matches=(
            "Consulta RDS-10488",
            "10555",
        ),
    ),
    Rule(
        name="signals.subject_dated_order",
        adds_to="order_subject",
        weight=0,
        description="a subject naming an order by its day ('Compra del martes', 'Order from Monday')",
        pattern=(
            r"\b(pedido|compra|orden|order|purchase) (del|de la|de|from|on|of) (lunes|martes|miercoles|jueves|viernes|"
            r"sabado|domingo|ayer|la semana|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last|\d)"
        ),
        matches=(
            "Compra del martes",
            "Order from Monday",
        ),
    ),
)

# ---- problem: the shop's website or checkout not working: a problem to look at, whatever topic it names
# ("shipping options at checkout don't load", "I can't select a delivery method").
# Words of a website that fails whatever is asked: a crash, a page that does not load ("an error" or "a glitch" is
# often asked as the other reading of a size that cannot be chosen: "¿es que no hay o es un error de la página?").
_A_SITE_FAULT = (
    r"\b(crash\w*|freez\w*|not loading|(doesn'?t|won'?t|does not|will not) load|se (traba|cuelga|tilda)|no (me )?"
    r"carga|no funciona|no anda)\b"
)
SITE_PROBLEM: tuple[Rule, ...] = (
    Rule(
        name="signals.site_not_working",
        adds_to="problem",
        weight=0,
        description="the website or checkout does not load or let the customer choose, or shows an error",
        pattern=(
            r"\b(doesn'?t|don'?t|won'?t|isn'?t|aren'?t|is not|are not|does not|do not) (load|work(?!\w* out)(?! for)|"
            r"show|appear|display|open|update)\w*|"
            r"\b(?<!\bif i )(?<!\bif you )(can'?t|cannot|couldn'?t|unable to|won'?t let me|"
            r"doesn'?t let me) (select|choose|pick|see|load|click|add|enter|complete|finish|use|open|log ?in|sign ?in|"
            r"access|create (an |my )?account|register|sign ?up|reset (my |the )?password)\b|"
            # not a legal footer's "if received in error", "error-free"
            r"(?<!\bin )(?<!\bpor )\berrors?\b(?!-free)|\b(bug|glitch\w*|crash(es|ed)?)\b|"
            # not a person's place to stay ("I'm crashing at a mate's place"), while "the site keeps crashing at my
            # place" is
            r"(?<!\bi'm )(?<!\bim )(?<!\bi am )(?<!\bwe're )(?<!\bwe are )(?<!\bbeen )(?<!\bbe )\bcrashing\b"
        ),
        # a size the website does not let one choose, asked about, is the stock question, not a broken website;
        # unless the site is said to crash, fail to load or show an error as well
        unless=r"^(?![\s\S]*" + _A_SITE_FAULT + r")(?=[\s\S]*(" + SIZE_NOT_SELECTABLE.pattern + r"))",
        matches=(
            "Shipping options at checkout don't load",
            "The website keeps crashing and it isn't showing my size. Is the M sold out?",
            "The site keeps crashing at checkout. Do you take Amex?",
            "I can't select a delivery method at checkout",
            "Me sale un error",
        ),
        never=(
            "I can't wait to get it",
            "I'm crashing at my cousin's flat in Salta until June. Do you post there?",
            "If a size is not showing on the website, does it mean it's out of stock?",
            "My size isn't showing on the site. Will it come back?",
            "If I can't see my size on the page, does that mean it's gone?",
            "If it doesn't work for her, can she exchange it?",
            "This e-mail is confidential. If received in error, please delete it.",
            "Si recibió este correo por error, bórrelo.",
            "Some products don't show XXL: is it only some models?",
        ),
    ),
    Rule(
        name="signals.site_not_working_es",
        adds_to="problem",
        weight=0,
        description="the website or checkout does not load, freezes or shows an error, in Spanish",
        pattern=(
            r"\bno (me )?(carga|cargan|cargaba|abre|abria|anda|andaba|funciona|funcionaba|acepta|aceptaba) (el|la|"
            r"los|las|mi|la pagina|la web|el checkout|el carrito)\b|\b(la (pagina|web|app)|el (checkout|carrito|"
            r"sitio)) (no (anda|funciona|carga|abre)|se (traba|cuelga|tilda|cae))\b|\bse (traba|tilda|cuelga) (la "
            r"pagina|la web|el checkout|el carrito|cuando)\b|\bme (tira|sale|da) (un )?error\b|\bno me deja (poner|"
            r"cargar|ingresar|agregar|finalizar|avanzar|terminar|completar|entrar|registrarme|iniciar)\b|"
            # the customer's account on the site: "no puedo entrar a mi cuenta", "me bloquearon la cuenta"
            r"\bno (puedo|pude|podemos|logro|consigo) (entrar|ingresar|acceder|iniciar sesion|loguearme|registrarme|"
            r"crear (una |la |mi )?cuenta|recuperar (la |mi )?(cuenta|contrasena|clave))\b|"
            r"\bme (bloquearon|bloqueo|suspendieron|dieron de baja) (la|mi) cuenta\b|"
            r"\b(olvide|me olvide|perdi) (la|mi) (contrasena|clave)\b"
        ),
        matches=(
            "No puedo entrar a mi cuenta. ¿Hacen envíos a Salta?",
            "Me bloquearon la cuenta. ¿Aceptan Mercado Pago?",
            "Me olvidé la contraseña y no me llega el mail",
            "en el checkout no me carga el codigo postal 9410",
            "La página se traba cuando quiero pagar",
            "No me deja finalizar la compra",
            "No me deja finalizar la compra, el talle M aparece en gris. ¿No hay más?",
        ),
        never=(
            "¿Cuánto sale el envío a Ushuaia?",
            "Si un talle no me deja elegirlo, ¿es que no hay?",
            "no me deja elegir el talle M, ¿lo vuelven a traer?",
        ),
    ),
    Rule(
        name="signals.by_mistake_es",
        adds_to="problem",
        weight=0,
        description="something done, paid or sent by mistake, in Spanish; not a legal footer's 'recibido por error'",
        pattern=(
            r"(?<!\brecibio )(?<!\brecibido )(?<!\brecibiste )(?<!\brecibe )(?<!\bllego )(?<!\bllegado )"
            r"(?<!\benviado )(?<!\bcorreo )(?<!\bmensaje )(?<!\bmail )(?<!\bemail )(?<!\belectronico )"
            r"(?<!\bcomunicacion )(?<!\bdestinatario )\bpor (error|equivocacion)\b"
        ),
        matches=(
            "Hice la transferencia por error a otra cuenta. ¿Cuál es el CBU?",
            "Puse por error la dirección vieja, ¿cuánto tarda el envío?",
            "Compré por equivocación un talle L, ¿cómo es el cambio?",
        ),
        never=(
            "Si recibió este correo por error, bórrelo.",
            "Si usted ha recibido este mensaje por error, avísenos y elimínelo.",
            "Si le llegó por error esta comunicación, descártela.",
            "Si lo recibiste por error, borralo.",
        ),
    ),
)

# ---- damaged: everyday words for a fault, which a person must look at. Past tenses only: "¿se destiñe?", "does it
# shrink?" are asked before buying.
DAMAGED: tuple[Rule, ...] = (
    Rule(
        name="signals.fault_es",
        adds_to="damaged",
        weight=3,
        description="a fault in Spanish: faded, unstuck, shrank, a loose thread, an open seam, make-up marks",
        pattern=(
            r"\bse (destino|desti\w+o|despego|despegaron|pelo|pelaron|encogio|encogieron|achico|achicaron)\b|"
            r"\b(despegad[oa]s?|pelad[oa]s?|encogid[oa]s?)\b|\bhilo suelto\b|\bse (esta |estan )?(abriendo|descosiendo|"
            r"rompiendo)\b|\bcostura (abierta|rota|descosida|floja)\b|\bmarc(a|ita|as|itas) de (maquillaje|uso)\b"
        ),
        matches=(
            "La remera se destiñó",
            "La suela está despegada",
            "Se está abriendo la costura",
            "Tiene marcas de maquillaje",
        ),
        never=("¿Se destiñe?",),
    ),
    Rule(
        name="signals.missing_piece_es",
        adds_to="damaged",
        weight=3,
        description="something missing in Spanish ('le falta un botón', 'eran dos y había una')",
        pattern=(
            r"\b(le )?falta(ba|n)? (un|una|el|la) (boton|cierre|pieza|prenda|remera|parte)\b|\beran (dos|tres|"
            r"\d+) y (habia|vino|vinieron|llego|llegaron)\b|\bmarquitas? de\b|\bhabia solo (una|un|dos)\b"
        ),
        matches=(
            "Al pantalón le falta un botón",
            "Eran dos y vino una",
        ),
    ),
    Rule(
        name="signals.came_without",
        adds_to="damaged",
        weight=3,
        description="an item that came without a part ('vino sin el cinturón'), not a choice ('sin o con capucha')",
        pattern=r"\b(vino|vinieron|llego|llegaron|came|arrived) (sin|without)\b(?![^.?!\n]{0,30}\bo con\b)",
        matches=(
            "Vino sin el cinturón",
            "It arrived without the belt",
        ),
        never=("¿Viene sin capucha o con capucha?",),
    ),
    # the wrong item sent: "I was sent an M instead of an S", "me mandaron un L en vez de un M"
    Rule(
        name="signals.sent_instead_of",
        adds_to="damaged",
        weight=3,
        description="an item sent or received in place of the one ordered ('instead of', 'en vez de', 'en lugar de')",
        pattern=(
            r"\b(sent|received|got|came|arrived|delivered|gave)\b(?! to)[^.?!\n]{0,30}\binstead of\b"
            r"(?! (my |the |our |a |his |her )?(house|home|flat|apartment|door|place|address|work|office|delivery|"
            r"shipping|waiting))|\b(mandaron|enviaron|llego|llegaron|vino|vinieron|recibi|entregaron|dieron)\b"
            r"[^.?!\n]{0,30}\ben (vez|lugar) de\b(?! (mi |la |el )?(casa|domicilio|departamento|trabajo|oficina|envio))"
        ),
        matches=(
            "Hi, I was sent an M instead of an S. How do returns work?",
            "Me mandaron un L en vez de un M",
            "Llegó la remera negra en lugar de la blanca",
        ),
        never=(
            "Can I have it sent to a branch instead of my house?",
            "¿Puedo retirar en el local en vez de envío?",
            "is it possible to get it delivered to a courier branch instead of my house?",
            "can it be delivered to my work address instead of home",
        ),
    ),
    Rule(
        name="signals.not_like_the_photo_es",
        adds_to="damaged",
        weight=3,
        description="'no es como en la foto'",
        pattern=r"\bno es (como|igual) (en|a) la foto\b",
        matches=("No es como en la foto",),
    ),
    Rule(
        name="signals.fault_en",
        adds_to="damaged",
        weight=3,
        description="a fault in English: bled, shrank, pilling, a seam coming apart, a broken zip, a missing button",
        pattern=(
            r"\b(bled|faded|shrank|shrunk|unstuck|frayed)\b|\b(is|are|started|keeps|keep) (pilling|fraying|bleeding)\b|"
            r"\bseams? (is |are )?(coming apart|came apart|split|ripped|torn|broke|opened|undone)\b|\bcoming apart\b|"
            r"\bfalling apart\b|\bmakeup (marks?|stains?)\b|\bmissing an? (button|zip|piece|part|item)\b|\b(zip|zipper|"
            r"button|clasp|strap)s? (is |are )?(stuck|broken|came off|fell off|won'?t)\b"
        ),
        matches=(
            "It shrank after one wash",
            "The seam is coming apart",
            "The zip is stuck",
            "It's missing a button",
        ),
        never=("Does it shrink?",),
    ),
    Rule(
        name="signals.not_like_the_photos_en",
        adds_to="damaged",
        weight=3,
        description="nothing like the photos, or another item than the one asked for",
        pattern=(
            r"\bnothing like the (photos?|pictures?|website)\b|\b(got|received|sent me) an? \w+ when i (asked|ordered|"
            r"paid) for\b"
        ),
        matches=(
            "Nothing like the photos",
            "I got a small when I asked for a medium",
        ),
    ),
    Rule(
        name="signals.damaged_word_es",
        adds_to="damaged",
        weight=3,
        description="'roto', 'dañado', 'fallado', 'manchado', 'agujero', in Spanish",
        pattern=(
            r"\b(rot[oa]s?|danad[oa]s?|fallad[oa]s?|defectuos[oa]s?|manchad[oa]s?|descosid[oa]s?|agujere(ad[oa]s?)?|"
            r"agujeros?|destenid[oa]s?|sucio|sucia|usad[oa]s? y|roturas?|falla de fabrica)\b"
        ),
        matches=(
            "Me llegó la remera rota",
            "Tiene un agujero en la manga",
        ),
    ),
    Rule(
        name="signals.wrong_item_es",
        adds_to="damaged",
        weight=3,
        description="a wrong item in Spanish ('me mandaron otro talle', 'no es lo que pedí', 'faltaba una prenda')",
        pattern=(
            r"\b(me|nos) (mandaron|enviaron|llego|llegaron|vino|vinieron) (otr[oa]s?|mal|equivocad[oa]|"
            r"el talle equivocado|un talle (distinto|equivocado)|otro talle|otro color|otro producto|algo distinto|"
            r"cualquier cosa)\b|\b(talle|color|producto|articulo|prenda) (equivocad[oa]|incorrect[oa]|"
            r"distint[oa] al que pedi)\b|\bno es (lo|el|la) que (pedi|compre|encargue)\b|\bfalta(ba|n)? (una|un|"
            r"dos) (prenda|producto|remera|articulo)"
        ),
        matches=(
            "Me mandaron otro talle",
            "No es lo que pedí",
            "Faltaba una remera",
        ),
    ),
    Rule(
        name="signals.damaged_word_en",
        adds_to="damaged",
        weight=3,
        description="'damaged', 'broken', 'defective', 'torn', 'stained', 'has a hole', in English",
        pattern=r"\b(damaged|broken|defective|torn|ripped|stained|faulty|dirty|has a hole|holes? in)\b",
        matches=(
            "It arrived damaged",
            "The sweater I got has a hole in it",
        ),
    ),
    Rule(
        name="signals.wrong_item_en",
        adds_to="damaged",
        weight=3,
        description="a wrong item or size, not what was ordered, an item missing, in English",
        pattern=(
            # not a wrong size a customer fears to order ("if I order the wrong size, can I change it?")
            r"\b(?<!\bif i order )(?<!\bif i get )(?<!\bif i pick )(?<!\bif i choose )(?<!\bif i buy )"
            r"(?<!\bif i order the )(?<!\bif i get the )(?<!\bif i pick the )(?<!\bif i choose the )"
            r"(?<!\bif i buy the )(?<!\bif we get the )(?<!\bif we order the )"
            # nor one feared of a gift: "if it's the wrong size, can she exchange it?"
            r"(?<!\bif it's the )(?<!\bif its the )(?<!\bif it is the )(?<!\bif they're the )(?<!\bif they are the )"
            r"(wrong|incorrect) (item|size|colou?r|product|order|article)\b|\bnot what i (ordered|bought|paid for)\b|"
            r"\b(item|items|something) (is |was |were )?missing\b"
        ),
        matches=(
            "You sent me the wrong size",
            "Not what I ordered",
            "An item is missing",
        ),
        never=(
            "And if I order wrong size, can I change it to another one?",
            "If I get the wrong size, is swapping it free?",
            "I'm sending it as a gift: if it's the wrong size, can she exchange it herself?",
        ),
    ),
)

# ---- refund_policy: "Do you offer refunds?" / "¿hacen reembolsos?": refund words inside a policy question. A
# refund-policy phrase next to what already happened is a refund owed ("When can I get a refund? Returned it on
# Monday."): ALREADY_HAPPENED is their "unless".
REFUND_POLICY: tuple[Rule, ...] = (
    Rule(
        name="signals.refund_policy_en",
        adds_to="refund_policy",
        weight=3,
        description="the refund or returns policy, or refund conditions, asked in English",
        pattern=(
            r"\b(do|can|will) you (offer|give|do|accept|allow)\b.{0,15}\brefunds?\b|\b(refund|reimbursement) polic(y|"
            r"ies)\b|\b(returns?|exchanges?|refunds?|reimbursements?|money[- ]back) polic(y|ies)\b|\bpolic(y|ies) (on|"
            r"for|about|regarding|of|concerning) (returns?|exchanges?|refunds?|reimbursements?|returning|exchanging|"
            r"money back)\b|\b(returns?|refunds?|exchanges?) (and|&|or|/) (returns?|refunds?|exchanges?) polic(y|"
            r"ies)\b|\b(conditions|rules|terms|requirements|criteria|eligibility) (for|of|to|on|regarding|"
            r"about) (getting |requesting |asking for |receiving )?(an? |the )?(refunds?|reimbursements?|money back)\b|"
            r"\b(refund|reimbursement)s? (conditions|terms|rules|requirements|criteria|eligibility)\b|\b(when|"
            r"how) (am i|are we|are you|is one|are customers|can i be|would i be) (eligible|entitled) (for|"
            r"to) (an? )?(refund|return|exchange|reimbursement|money back)\b|"
            # how refunds go in general, none of them the customer's: "do refunds go back to the original payment
            # method?", "how long does a refund usually take to show on the card?"
            # ("the refund" is one the customer is owed)
            # whether items of a kind can go back: "are sale items eligible for return and refund?"
            r"\b(items?|products?|garments?|clothes|things|pieces|purchases|articles)\b[^.?!]{0,40}\b(are|is) "
            r"(eligible|entitled) for (an? )?(returns?|refunds?|exchanges?)\b|"
            r"\b(do|are|will|would) refunds (go|get|come|usually|normally|generally|take|get (paid|sent|issued)|paid|"
            r"issued|processed)\b|\bhow long (does|do|will|would) (an? )?refunds? (usually |normally |generally "
            r"|typically )?(take|to)\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Do you offer refunds?",
            "What's your return policy?",
            "When am I entitled to a refund?",
            "do refunds go back to the original payment method",
            "how long does a refund usually take to show on the card",
            "whether items purchased at a discounted price are eligible for return and refund",
        ),
        never=(
            "What's your refund policy? The zipper broke.",
            "How long does my refund take? I sent the jacket back on Monday.",
            "Will the refund come to my Visa? I gave the coat back at the store.",
            "Do refunds go back to the card? I'm waiting for mine since March.",
        ),
    ),
    Rule(
        name="signals.refund_conditions_en",
        adds_to="refund_policy",
        weight=3,
        description="'under what conditions / in which cases do you refund?'",
        pattern=(
            r"\bunder what (conditions|circumstances)\b.{0,30}\b(refund|reimburs|money back)|\b(what|which) (cases|"
            r"situations|circumstances|conditions)\b.{0,30}\b(refund|reimburs|money back)"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Under what conditions do you refund?",
            "In which cases is there a refund?",
        ),
    ),
    Rule(
        name="signals.refund_cases_es",
        adds_to="refund_policy",
        weight=3,
        description="'¿en qué casos hay reembolso?'",
        pattern=r"\ben (que|cuales) (casos|situaciones)\b.{0,30}\b(reembolso|reintegro|devolucion|devolver)",
        unless=ALREADY_HAPPENED.pattern,
        matches=("¿En qué casos hacen reembolso?",),
    ),
    Rule(
        name="signals.refund_if_en",
        adds_to="refund_policy",
        weight=3,
        description="'can I get a refund if...?', 'can I get my money back if...?'",
        pattern=(
            r"\b(can|could|may) i (get|have|ask for|request) a refund if\b|\b(can|could|may) i (get|have) (my |"
            r"the )?money back if\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Could I get my money back if the jacket is not what I expected?",
            "Can I get a refund if it doesn't fit?",
        ),
    ),
    Rule(
        name="signals.refund_guarantee_en",
        adds_to="refund_policy",
        weight=3,
        description="a money-back or satisfaction guarantee, how refunds work, whether one can get a refund",
        pattern=(
            r"\b(money[- ]back|satisfaction) guarantee\b|\bhow do refunds work\b|\bis it possible to get a refund\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Do you have a money-back guarantee?",
            "How do refunds work?",
            "Is it possible to get a refund?",
        ),
    ),
    Rule(
        name="signals.refund_policy_es",
        adds_to="refund_policy",
        weight=3,
        description="'¿hacen reembolsos?', 'política de reembolsos'",
        pattern=(
            r"\b(hacen|aceptan|tienen|dan) (reembolsos?|reintegros?|devolucion (del|de) dinero)\b|"
            r"\bpolitica de (reembolsos?|devolucion)\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "¿Hacen reembolsos?",
            "¿Cuál es la política de reembolsos?",
        ),
        never=("¿Hacen reembolsos? Ya devolví el buzo.",),
    ),
    Rule(
        name="signals.refund_window_en",
        adds_to="refund_policy",
        weight=3,
        description="how long one has to ask for a refund, the refund window, when one can get a refund",
        pattern=(
            r"\bhow (long|many days|much time) (do|does|will|would) (i|we|you|customers|one) (have|get) (to|"
            r"for) (ask(ing)? for|request(ing)?|claim(ing)?|apply(ing)? for|get(ting)?) (an? |the )?(refund|"
            r"reimbursement|money back)\b|\b(refund|reimbursement|money[- ]back) (period|window|time limit|deadline|"
            r"time ?frame)\b|\bwhen (can|could|may|do|would) (i|we|you|customers|one) (get|ask for|request|claim|"
            r"receive|be given) an? (refund|reimbursement)\b|\bwhen (i|we) (can|could|may) (get|ask for|request|"
            r"claim) an? (refund|reimbursement)\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "what is the refund period?",
            "how many days do I have to ask for a refund?",
            "When can I get a refund?",
        ),
        never=("When can I get a refund? Returned it on Monday.",),
    ),
    # a refund set against an exchange: "can I send it back for a refund, or only swap it?", "can sale items be
    # returned for a refund or only exchanged?" (the returns text says which items may go back for money)
    Rule(
        name="signals.refund_or_only_exchange_en",
        adds_to="refund_policy",
        weight=3,
        description="whether an item goes back for a refund or only for an exchange, in English",
        pattern=(
            r"\b(refund|money back|my money|the money)\b[^.?!]{0,50}\bor (is it |are they |it'?s |can i |do i have to "
            r"|would i have to )?(only |just )?(an? )?(exchange|swap|store credit|credit note)\w*\b|"
            r"\b(exchange|swap)\w*\b[^.?!]{0,30}\bor (get |have |ask for )?(a |my |the )?(refund|money back)\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Can sale items be returned for a refund or only swapped?",
            "Am I able to send it back for a refund, or only swap it for something else?",
            "If I don't like it, can I exchange it or get a refund?",
        ),
        never=("I returned the dress two weeks ago. Is my money coming back or did you send a credit note?",),
    ),
    # money back asked of a return supposed: "if I return the sweater, the money comes back how?", "in case some
    # shirts need to be returned, how will the amount be refunded?"
    Rule(
        name="signals.refund_of_a_supposed_return_en",
        adds_to="refund_policy",
        weight=3,
        description="how or when money comes back for a return the customer supposes, in English",
        pattern=(
            r"\b(if|in case|should|once|when) (i|we|some \w+|something|anything|an item|items|one of them|one of the "
            r"\w+)\b[^.?!]{0,40}\b(return\w*|sen[dt]\w* (it|them|something|\w+) back|give (it |them )?back)\b"
            r"[^?!]{0,80}\b(refund\w*|money|amount)\b|"
            # a purchase supposed that then does not please: "if I buy something from the sale and my daughter hates
            # it, can I get my money back?"
            r"\bif (i|we) (\w+ )?(buy|order|purchase|get)\b[^.?!]{0,60}\b(hates?|dislikes?|(don'?t|doesn'?t|do not|"
            r"does not) (like|suit|fit|want)|change (my|our|her|his) mind|not happy)\b[^.?!]{0,40}\b(money back|a "
            r"refund|refunded)\b"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "Good day, if I return the sweater, the money comes back how? I paid with debit card.",
            "In case some shirts need to be returned, how will the amount be refunded and in how much time?",
            "If I pay by transfer and then must give back a garment, how do I receive the money back?",
            "if we order a dress from the outlet and my wife hates it, can we get our money back?",
        ),
        never=("I sent the jacket back last week. When will the refund arrive?",),
    ),
    Rule(
        name="signals.refund_if_es",
        adds_to="refund_policy",
        weight=3,
        description="'¿puedo pedir el reembolso si...?', 'si no me queda, ¿me devuelven la plata?'",
        pattern=(
            r"\b(se puede|puedo) pedir (el |un )?(reembolso|reintegro)\b.{0,20}\bsi\b|\bsi no me (queda|"
            r"gusta)\b.{0,40}\b(reembolso|devuelven (la plata|el dinero))"
        ),
        unless=ALREADY_HAPPENED.pattern,
        matches=(
            "¿Puedo pedir el reembolso si no me gusta?",
            "Si no me queda, ¿me devuelven la plata?",
        ),
    ),
    # The money of a return not made yet: "si devuelvo algo, ¿cuánto tardan en devolverme la plata?", "if I send
    # something back, does the money go back onto my card?". The returns text says how and when a refund is paid.
    Rule(
        name="signals.refund_of_a_return_to_come",
        adds_to="refund_policy",
        weight=3,
        description="how the money comes back after a return not made yet ('si devuelvo algo, ¿cómo me devuelven la "
        "plata?')",
        pattern=(
            # a formal English conditional too: "Should a cardigan not suit me, may I return it for a refund?"
            # ("should" and "were I to" open the sentence: "I should have read..." is no condition)
            r"(\b(si|if|en caso de que|in case|in the event)|(^|[.?!:;\n]\s*)(should|were (i|we) to))\b[^.?!]{0,80}"
            r"\b(devuelvo|devolvemos|devuelven|devolverian|"
            r"devolviera|devolver|return|(send|give|bring|take) (it|them|something|an item|\w+) back)\b[^\n]{0,120}"
            r"\b(plata|dinero|reembolso|reintegr\w*|money|refunds?|refunded)\b|\b(money|refund)\b[^.?!]{0,40}\bif "
            r"(i|we) (return|send)\b|"
            r"\bhow (long|many days|much time) (do|does|will|would) (i|we|customers|one) have to (return|send (back|"
            r"\w+ back))\b[^.?!]{0,60}\b(money|refund\w*)\b|"
            # in a formal letter: "en caso de devolución, el reintegro se realiza por el mismo medio de pago?", "su
            # política de devoluciones, en particular el plazo del reintegro"
            r"\b(en caso de (una |la )?devolucion|(politica|condiciones|terminos) de (devolucion|devoluciones|"
            r"reembolsos?|reintegros?))\b[^\n]{0,120}\b(plata|dinero|reembolso|reintegr\w*|importe)\b"
        ),
        # an item the customer already has is a refund of that item
        unless=ALREADY_HAPPENED.pattern + r"|\b(pasad[oa]|last (week|month)|came|got|me llego|me llegaron|recibi|"
        r"que (les )?compre|que me compre|i bought|i ordered|i got|arrived|on (monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday))\b",
        matches=(
            "Si devuelvo una prenda, ¿en cuánto tiempo me reintegran la plata?",
            "If I return a jacket, how long until I get my money back?",
            "How do I get my money back if I return something?",
            "If I return an item, how long does it take to receive the refund, and will it be returned to my card?",
            "If I buy something from the sale and it does not fit, can I give it back and get my money?",
            "How many days do I have to send back a product and get my money back?",
            "Quisiera saber si, en caso de devolución, el reintegro se realiza por el mismo medio de pago.",
            "Solicito información sobre su política de devoluciones, en particular el plazo del reintegro del importe.",
            "Should a coat I buy not fit, may I return it for a refund, and within what period?",
            "Should I decide to return a skirt rather than exchange it, how would the refund be made?",
            "Si compro algo de liquidación y no me gusta, ¿me devuelven la plata?",
        ),
        never=(
            "I returned the jacket, how long until I get my money back?",
            "It should have arrived on Monday. Can I return it for a refund?",
            "Your courier left it at the branch, not at my door. May I return it for a refund?",
            "I should have read your policy before I ordered: is it too late to return it and get a refund?",
            "Si devuelvo el buzo de la semana pasada, ¿en cuánto tiempo me reintegran el dinero?",
            "If I return the coat I got on Friday, when is the money refunded?",
        ),
    ),
    # Asking to be told about refunds, not asking for one: "I'd like to know if I can get a refund", "info about
    # refunds". Not when it asks when or how long, or for the state of a refund: those are about a refund that exists.
    Rule(
        name="signals.refund_info",
        adds_to="refund_policy",
        weight=3,
        description="asking to be told about refunds ('I'd like to know if I can get a refund', 'info about refunds')",
        pattern=(
            r"\b(know|check|see|find out|understand|learn|ask|wondering|curious)\b[^.?!]{0,15}\b(if|whether|"
            r"about)\b[^.?!]{0,30}\b(refunds?|reimburs\w*|money back)\b|\b(info|information|details|tell me) (about|on|"
            r"regarding) (your |the )?(refunds?|reimbursements?|money back)\b|\bwhat (happens|do i do|should i do|"
            r"can i do) if (i|we) (want|need|would like) (a refund|a reimbursement|my money back|to get a refund)\b|"
            r"\b(if|whether) (i'?m|i am|we are|we'?re) (eligible|entitled) (for|to)\b|"
            # money back asked of a purchase to come: "if I don't like it, can I get my money back?", "can I get a
            # refund if I change my mind?"
            r"\b(if|in case) (i|it|they|we|the \w+)\b[^.?!]{0,30}\b(can|could|will|would|do) (i|we) (get|have) (a "
            r"refund|my money back|money back|refunded)\b|\b(can|could|will|would|do) (i|we) (get|have) (a refund|my "
            r"money back|money back|refunded)\b[^.?!]{0,5}\b(if|in case)\b"
        ),
        unless=(
            r"\b(when|how long|how many days|how soon|status|track\w*|processed|received|yet|still|already|where)\b|"
            + ALREADY_HAPPENED.pattern
        ),
        matches=(
            "I'd like to know if I can get a refund",
            "Info about refunds please",
            "Hi, if I don't like it can I get my money back?",
            "Can I get a refund if I change my mind?",
        ),
        never=(
            "How long until I know if my refund was processed?",
            "It arrived torn, can I get a refund if I send it back?",
        ),
    ),
)

# How a garment fits, asked: a fit word in a question ("¿el buzo viene grande?"), in a sentence that opens as one
# ("Does the shirt run small."), or after a request to be told ("quería saber si viene chico"); not told of the
# customer's own clothes ("en todos lados la campera me queda corta. ¿Qué talle me conviene?").
_FIT = "(" + FIT_OF_A_GARMENT.pattern + ")"
_FIT_ASKED = (
    _FIT
    + r"[^.!?\n]{0,120}\?|(^|[.!?\n]\s*)(does|do|is|are|will|would|should|como|viene|vienen|es|son)\b[^.!?\n]{0,80}"
    + _FIT
    + r"|\b(saber|know|wondering|wonder|tell me|decime|diganme|consultar|preguntar|pregunto|consulto)\b[^.!?\n]{0,80}"
    + _FIT
)

OTHER_SIGNALS: tuple[Rule, ...] = (
    # How a named garment fits is a question about that product (the catalogue has its measurements), not about the
    # size table: "¿el buzo oversize viene grande?", "does the hoodie run small?".
    Rule(
        name="signals.fit_of_a_named_garment",
        adds_to="product_fit",
        weight=2,
        description="a garment named in a sizes question, without the size table: how that product fits",
        pattern=GARMENT.pattern,
        # the size table, or which size to choose when nothing asks how the garment itself fits
        unless=SIZE_TABLE.pattern
        + r"|^(?![\s\S]*("
        + _FIT_ASKED
        + r"))(?=[\s\S]*("
        + WHICH_SIZE_TO_CHOOSE.pattern
        + r"))"
        # the range of sizes or the unisex line, asked as the email's one question or with no garment named as one
        # product ("¿tienen XXL en los buzos?")
        + r"|^(?![\s\S]*("
        + _FIT_ASKED
        + r"))(?:(?![\s\S]*\?[\s\S]*\?)|(?![\s\S]*"
        + ONE_GARMENT.pattern
        + r"))(?=[\s\S]*("
        + SIZE_GUIDE_MATTERS.pattern
        + r"))",
        # a garment named in a size the website does not let one choose is the stock question's ("en la página de una
        # camisa no me deja elegir el XXXL")
        unless_in_sentence=SIZE_NOT_SELECTABLE.pattern,
        matches=(
            "¿El buzo oversize viene grande?",
            "Does the hoodie run small?",
            "¿Qué talle me recomendás del jean Mom? ¿Viene chico?",
            "What size should I get in the Tehuelche jacket? Does it run small?",
            "¿Hasta qué talle hacen? ¿El jean Mom viene chico o normal?",
            "¿Cómo calza la línea unisex? ¿El buzo Aurora tiene las mangas largas?",
            "¿Qué talle del jean Mom me recomiendan? ¿El tiro es alto?",
        ),
        never=(
            "Uso XXXL, ¿llegan a ese talle? En la página de una camisa no me deja elegir el XXXL, ¿no hay?",
            "¿El buzo sigue la tabla de talles?",
            "Is the hoodie on the size chart?",
            "Mido 1,62, ¿qué talle me recomiendan para los pantalones?",
            "What size should I get in your unisex hoodies?",
            "Mido 1,75 y peso 70 kg, ¿qué talle de buzo me conviene?",
            "Which size of your shirts will fit me? I'm 1.80 m",
            "¿Hasta qué talle hacen? Mi novio quiere uno de sus buzos en XXXL",
            "¿Cómo calza la línea unisex? En remeras de mujer uso M",
            "¿Tienen XXL y XXXL en todos los buzos y remeras o solo en algunos modelos? ¿Cuánto tarda el envío?",
            "Mido 1,80 y peso 95 kilos, ¿qué talle de campera me corresponde? ¿L o XL?",
            "My son is 14, 172 cm, about 60 kg. What size hoodie?",
            "What size would a 13 year old boy, 1.60 m, 45 kg, be in your t-shirts?",
            "Where can I find the measurements in cm of your shirts?",
            "Is there a chart somewhere with the measurements of each jacket?",
        ),
    ),
    # When one named garment in one colour or size comes back is a question about that product, not the restock
    # policy: "¿cuándo vuelven a entrar las zapatillas blancas?", "is the black corduroy jacket back in XL?".
    Rule(
        name="signals.restock_of_one_product",
        adds_to="product_restock",
        weight=2,
        description="a garment named with a colour or a size in a stock question: when that product comes back",
        pattern=GARMENT.pattern
        + r"[^.?!\n]{0,30}\b("
        + COLOUR.pattern
        # a size named, not the word alone ("un cárdigan que no tiene ningún talle para elegir")
        + r"|(talle|size) ("
        + SIZE.pattern
        + r"|extra[- ]?(large|small)|grande|chico)|in (xxs|xs|s|m|l|xl|xxl|xxxl))\b|"
        r"\b(" + COLOUR.pattern + r")\b[^.?!\n]{0,20}" + GARMENT.pattern + r"|"
        # the size before the garment: "cuándo vuelve a haber L en los jeans wide leg"
        r"\b(talle |size )?(xxs|xs|s|m|l|xl|xxl|xxxl) (en|de|del|in) (el |la |los |las |the )?" + GARMENT.pattern + r"|"
        # one colour named by its name, of any colour list: "the sage colour is greyed out, will it come back?"
        r"\bthe (?!(same|other|right|wrong|next|different|exact|one|only|main|whole)\b)[a-z]+ colou?r(way)?\b|"
        r"\b(el|ese|este) color (?!(que|de|del|en|y|o|elegido|correcto)\b)[a-z]+",
        # an item the customer asks the shop to hold, when nothing asks whether it is in stock or comes back
        unless=r"^(?=[\s\S]*("
        + HOLD_AN_ITEM.pattern
        + r"))(?![\s\S]*\b(vuelv\w*|volver\w*|repon\w*|reingres\w*|stock|disponible|agotad\w*|back|restock\w*|"
        r"available|sold out|in stock|left)\b)|"
        # nor a size the website does not let one choose, asked about, when nothing asks when it comes back: what that
        # means is the same for every product ("en un producto no me aparece el talle L, ¿está agotado?")
        r"^(?=[\s\S]*(" + SIZE_NOT_SELECTABLE.pattern + r"))(?![\s\S]*\b(vuelv\w*|volver\w*|repon\w*|reingres\w*|"
        r"back|restock\w*|cuando)\b)|"
        # nor a sold-out garment named as the reason to ask whether things come back or how to be told, when nothing
        # asks whether that product itself comes back
        r"^(?=[\s\S]*("
        + RESTOCKS_IN_GENERAL.pattern
        + r"|"
        + TOLD_WHEN_BACK.pattern
        + r"))(?![\s\S]*("
        + ONE_PRODUCT_COMING_BACK.pattern
        + r"))",
        # the garment named in a sentence that asks nothing of stock (a size question, a subject, a story) leaves the
        # stock question general: "Do your sweaters come in XXL? And if one is sold out, do you restock?"
        # nor a sentence asking what the website's choices mean ("si en la página me deja elegir el color, ¿hay?")
        unless_in_sentence=r"^(?![\s\S]*\b(vuelv\w*|volver\w*|repon\w*|reingres\w*|entra\w*|stock|disponibles?|"
        r"agotad\w*|hay|quedan?|tienen|back|restock\w*|available|unavailable|sold out|out of stock|gr[ae]yed out|left|"
        r"guard\w*|separ\w*|reserv\w*|hold|save|put aside)\b)|" + WEBSITE_LETS_ONE_CHOOSE.pattern,
        matches=(
            "¿Cuándo vuelven a entrar las zapatillas blancas?",
            "Is the black corduroy jacket available in XL?",
            "¿Va a volver el buzo gris en talle M?",
            "¿Cuándo vuelve a haber L en los jeans wide leg?",
            "¿Me pueden guardar el buzo negro en talle M? ¿Hay stock?",
            "The navy coat in XS is sold out. Will it come back? Is there a way to get an alert?",
            "The navy coat in XS is sold out. When will you restock it? Is there a way to get notified?",
            "The black hoodie in L is sold out. When will you have it again? Any way to get an alert?",
            "El buzo gris en M está agotado, ¿cuándo vuelve? ¿Cómo hago para que me avisen?",
            "the sage colour is greyed out for all sizes, does that mean it's gone for good or will it come back?",
        ),
        never=(
            "¿Cada cuánto reponen lo agotado?",
            "If the colour I want is greyed out, will it come back?",
            "Do you restock sold-out items?",
            "¿Me pueden separar un buzo negro talle M hasta que llegue?",
            "En un producto no me aparece para elegir el talle L. ¿Eso significa que está agotado?",
            "Si en la página me deja elegir el talle S del pantalón, ¿es porque hay de verdad?",
            "Do your sweaters come in XXL? And if one is sold out, do you restock?",
            "The green hoodie is sold out in every size. Do you ever get stuff back? Is there a way to get a notice?",
            "El buzo negro está agotado en M. ¿Cada cuánto reponen lo que se agota? ¿Cómo hago para que me avisen?",
        ),
    ),
    Rule(
        name="signals.money_back",
        adds_to="money_back",
        weight=0,
        description="money words: a returns question about an order that exists is then a refund request",
        pattern=r"\b(plata|dinero|reembolso|reintegro|refund|money)\b",
        # not the money of a return supposed ("if I change my mind, can I return it and get my money back?")
        unless_in_sentence=HYPOTHETICAL_RETURN.pattern,
        matches=("¿Me devuelven la plata?", "Can I get my money back?"),
        never=("If I buy a jacket and change my mind, can I just return it and get my money back?",),
    ),
)

# ---- my_order_as_any: when delivery comes, asked of "my order": "how long does it take for my order to arrive?",
# "when will my purchase arrive?", "the ETA of my item", "when can I expect my package?". Such a question asks how
# long delivery takes, not where a parcel is: Bitext's labels, which replyflow follows, file it under the delivery
# period, apart from tracking an order. When the email is that question alone, the engine reads the possessive
# ("own", "noun") as "an order", so the shipping rules answer it; decide.py still sends it to the LLM unless the
# shop chose `delivery_time_of_my_order = "faq"`. The rewrites run in this order.
MY_ORDER_AS_ANY: tuple[Rule, ...] = (
    Rule(
        name="signals.when_does_my_order_arrive_en",
        adds_to="my_order_as_any",
        weight=0,
        description="'how long / when ... my order ... arrive?' in English",
        pattern=(
            r"\b(how (long|many (business |working )?days|much time|soon|quickly|fast)|(in|within) how many days|when|"
            r"what day|what date|by when)('s| (will|would|can|could|should|does|do|is|are|might|until|till|before|"
            r"for)\b|(?= (my|our) ))[^.?!\n]{0,30}?\b"
            + OWN_THING.pattern
            + r"(?=[^.?!\n]{0,25}\b(arrive|arrives|arriving|come|comes|coming|get here|gets here|be here|"
            r"be delivered|reach|reaches|take|takes|land|lands|be at my)\b)"
        ),
        matches=("How long does it take for my order to arrive?", "when will my purchase arrive?"),
        never=("Where is my order?",),
    ),
    Rule(
        name="signals.eta_of_my_order_en",
        adds_to="my_order_as_any",
        weight=0,
        description="'the ETA / delivery date of my order'",
        pattern=(
            r"\b(eta|estimated (time of )?(arrival|delivery)( date| time)?|expected (delivery|arrival)( date| time)?|"
            r"delivery (times?|dates?|periods?|estimates?|time ?frames?)|arrival (times?|dates?))( is)? (of|for|on) "
            + OWN_THING.pattern
        ),
        matches=("what's the ETA of my item", "What is the delivery time for my order?"),
    ),
    Rule(
        name="signals.when_will_i_get_my_order_en",
        adds_to="my_order_as_any",
        weight=0,
        description="'when can I expect my package?', 'how soon will I get my order?'",
        pattern=(
            r"\b(when|how (soon|quickly|fast)) (will|can|could|should|do|would|might) (i|we) (get|receive|expect|have) "
            + OWN_THING.pattern
        ),
        matches=("when can I expect my package?", "How soon will I get my order?"),
    ),
    # the same in Spanish: "¿cuánto tarda en llegar mi pedido?", "¿cuándo llega mi compra?" (the second alternative
    # names its groups own2 and noun2)
    Rule(
        name="signals.when_does_my_order_arrive_es",
        adds_to="my_order_as_any",
        weight=0,
        description="'¿cuánto tarda en llegar mi pedido?', '¿cuándo llega mi compra?'",
        pattern=(
            r"\b(cuanto (tiempo )?(tarda|tardan|demora|demoran|se tarda|se demora)|en cuantos dias|cuando|para cuando|"
            r"que dia)\b[^.?!\n]{0,25}?\b(?P<own>mis?) (?P<noun>pedidos?|compras?|paquetes?|envios?|productos?|"
            r"prendas?|cosas)\b(?=[^.?!\n]{0,25}\b(llega|llegan|llegar|llegaria|llegarian|tarda|tardan|demora|"
            r"demoran)\b)|\b(cuanto (tiempo )?(tarda|tardan|demora|demoran|se tarda|se demora) en llegar|"
            r"(en cuantos dias|cuando|para cuando|que dia)( me| nos)? (llega|llegan|llegaria|llegarian|va a llegar|"
            r"van a llegar)) (?P<own2>mis?) (?P<noun2>pedidos?|compras?|paquetes?|envios?|productos?|prendas?|cosas)\b"
        ),
        matches=("¿Cuánto tarda en llegar mi pedido?", "¿Cuándo llega mi compra?"),
        never=("¿Dónde está mi pedido?",),
    ),
    # What may stand around the question in an email that asks only that: a greeting, thanks, a sign-off (the engine
    # matches it against a whole sentence).
    Rule(
        name="signals.courtesy",
        adds_to="courtesy",
        weight=0,
        description="a sentence that is only a greeting, thanks or a sign-off",
        pattern=(
            r"^\W*(hi|hello|hey|hiya|hi there|hello there|dear \w+|good (morning|afternoon|evening)|hola|"
            r"hola (chic[oa]s|gente|a todos)|buen(os|as)? (dias|tardes|noches)|buenas|thanks?( you)?( so much|"
            r" very much| a lot| in advance)?|many thanks|thanks very much|cheers|regards|best|best regards|"
            r"kind regards|please|gracias|muchas gracias|saludos|slds|por favor|porfa|desde ya( muchas)? gracias|"
            r"mil gracias|un saludo|abrazo)\W*$"
        ),
        matches=("Hola!", "Muchas gracias", "Kind regards,", "Desde ya muchas gracias"),
        never=("Hola, ¿cuándo llega mi pedido?", "Thanks, but where is it?"),
    ),
    # Words that make a "when ... my order" question about something other than the delivery: a confirmation, an
    # exchange or a repair, a new date, a part of the order ("When will I get my items exchanged?", "Can you postpone
    # the delivery date of my order?", "When will the rest of my order arrive?").
    Rule(
        name="signals.not_the_delivery",
        adds_to="not_the_delivery",
        weight=0,
        description="a 'when ... my order' question about a confirmation, an exchange, a new date or part of the order",
        pattern=(
            r"\b(confirmation|confirmed|receipts?|invoices?|emails?|exchang\w*|return\w*|refund\w*|repair\w*|alter\w*|"
            r"back|replac\w*|processed|cancel\w*|chang\w*|move|postpone\w*|push|resched\w*|another|missing|refuse|"
            r"reject\w*|(long|much) more|(rest|half|part|parts|remainder|some|one|two) of|(other|second|first|"
            r"remaining) (items?|parts?|half|box|boxes|package|parcel|piece)|(from|in) (my|our) (order|purchase|"
            r"package|parcel|shipment|delivery)|cambi\w*|devol\w*|resto|parte|mitad|factura|confirmacion)\b|\d"
        ),
        matches=(
            "When will I get my items exchanged?",
            "Can you postpone the delivery date of my order?",
            "When will the rest of my order arrive?",
        ),
        never=("When will my order arrive?",),
    ),
)

# ---- my_order_to_collect: where the customer may collect "my order", asked as a choice to make ("can I pick up my
# order at your store instead?", "if I choose to collect my order at the Andreani branch, what do I bring?",
# "¿puedo retirar mi pedido en el local?"): a way of delivery the shipping text describes, asked before buying as
# often as after. The engine reads the possessive as "an order" in such a sentence, wherever the email says more;
# any other sign of an order that exists (a number, "I ordered yesterday", "I already paid") still counts.
# An order on its way: a day or an absence soon ("today", "I won't be home this week", "no voy a estar cuando pase el
# correo") tells of an order that exists, whose collection a person must arrange.
_ON_ITS_WAY = (
    r"\b(today|tomorrow|tonight|this (week|weekend|morning|afternoon|evening)|right now|asap|hoy|manana|esta semana|"
    r"este (finde|fin de semana)|ahora)\b|\b(not|won'?t|will not|n'?t)( going to)? be (at )?home\b|"
    r"\bno (voy a estar|estoy|estare|vamos a estar)( en (casa|mi casa))?\b|" + NOBODY_AT_HOME.pattern
)

MY_ORDER_TO_COLLECT: tuple[Rule, ...] = (
    Rule(
        name="signals.my_order_to_collect_en",
        adds_to="my_order_to_collect",
        weight=0,
        description="'can I pick up my order at your store?', 'have my order sent to a branch', as a choice asked",
        pattern=(
            # not when or where an order can be collected ("when can I collect my order?"): that order exists
            r"(?<!\bwhen )(?<!\bwhere )(?<!\bsoon )(?<!\btime )(?<!\bday )"
            r"\b((can|could|may) (i|we)( just)?|(possible|option|choose|prefer|rather|like|want|able) to|would rather|"
            r"i'?d rather) (pick|collect|grab|get|have|send) (up )?(?P<own>my) (?P<noun>order|parcel|package|purchase)"
            r"( up)? ((at|from|in) (your|the|a|an) |(sent|delivered|shipped|posted) to (a|the|an|your) )"
            r"(?=[^.?!\n]{0,30}\b(store|shop|showroom|branch|post office|courier|correo|andreani|pick-?up point|"
            r"collection point|palermo)\b)"
        ),
        unless=_ON_ITS_WAY,
        matches=(
            "Can I pick up my order at your store instead of having it delivered?",
            "If I choose to collect my order at the Andreani branch, what do I need to take?",
            "Would it be possible to have my order sent to a post office branch instead?",
        ),
        never=(
            "When can I collect my order at the store?",
            "Is my order ready to pick up at the store?",
            "Can I pick up my order at the Palermo store today?",
            "Can I pick up my order at your store instead? I'm not going to be home this week.",
        ),
    ),
    Rule(
        name="signals.my_order_to_collect_es",
        adds_to="my_order_to_collect",
        weight=0,
        description="'¿puedo retirar mi pedido en el local?', 'mandar mi pedido a una sucursal', as a choice asked",
        pattern=(
            r"(?<!\bcuando )(?<!\bdonde )\b(puedo|podria|podemos|se puede|es posible|prefiero|quisiera|quiero|elijo) "
            r"(ir a )?(retirar|buscar|"
            r"pasar a buscar|mandar|enviar|recibir) (?P<own>mi) (?P<noun>pedido|compra|paquete)"
            r"(?=[^.?!\n]{0,30}\b(local|sucursal|correo|andreani|showroom|palermo)\b)"
        ),
        unless=_ON_ITS_WAY,
        matches=("¿Puedo retirar mi pedido en el local de Palermo?", "¿Es posible mandar mi pedido a una sucursal?"),
        never=(
            "¿Cuándo puedo retirar mi pedido?",
            "¿Ya está listo mi pedido para retirar en el local?",
            "¿Puedo retirar mi pedido en el local? No voy a estar en casa cuando pase el correo.",
        ),
    ),
)

RULES: tuple[Rule, ...] = (
    *SPECIFIC_ORDER,
    *HYPOTHETICAL,
    *OWN_ORDER,
    *ORDER_SUBJECT,
    *SITE_PROBLEM,
    *DAMAGED,
    *REFUND_POLICY,
    *OTHER_SIGNALS,
    *MY_ORDER_AS_ANY,
    *MY_ORDER_TO_COLLECT,
)
