"""Named pieces of pattern shared by several rules: what a garment, a size or a way to pay looks like, and the
guards that keep a policy rule off an email about an order that exists.

A fragment is not a rule: it scores nothing and has no examples of its own; the rules that use it prove it with
theirs. Rules splice it in with `.pattern`.
"""

from __future__ import annotations

from .base import Fragment

SIZE = Fragment(
    "size",
    r"(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|\d{1,2}|unico|small|medium|large)",
    "a size as a shop writes it: a letter size, a number, one size",
)

COLOUR = Fragment(
    "colour",
    r"(negr[oa]s?|blanc[oa]s?|azul(es)?|roj[oa]s?|gris|verde|beige|marron|rosa|celeste|amarillo|violeta|bordo|"
    r"crudo|natural|camel|nude|black|white|blue|red|gr[ae]y|green|pink)",
    "a colour a garment comes in, in Spanish or English",
)

GARMENT = Fragment(
    "garment",
    r"\b(remeras?|camperas?|buzos?|jeans?|pantalon(es)?|vestidos?|camisas?|polleras?|shorts?|zapatillas?|sweaters?|"
    r"sueters?|chalecos?|sacos?|tapados?|musculosas?|tops?|bodys?|calzas?|cardigans?|camperones?|parkas?|bermudas?|"
    r"joggers?|hoodies?|jackets?|coats?|t-?shirts?|shirts?|dress(es)?|pants|trousers|skirts?|sneakers|sweatshirts?|"
    r"jumpers?|vests?|leggings|modelo|prenda|producto|article|item|"
    # other countries' and other words for them: polera (Chile, Uruguay), playera and chamarra (Mexico), sudadera,
    # chaqueta and falda (Spain), chompa (Peru); puffers, blazers, blouses, overalls
    r"poleras?|polerones?|playeras?|chamarras?|sudaderas?|chaquetas?|faldas?|chompas?|blusas?|blazers?|"
    r"puffers?|anoraks?|windbreakers?|rompevientos|blouses?|jumpsuits?|overalls?|enteritos?|jardineros?|"
    r"mallas?|bikinis?|pijamas?|pyjamas?|swimsuits?)\b",
    "a garment or a product named as such (remera, campera, hoodie, dress, item)",
)

SIZE_TABLE = Fragment(
    "size_table",
    r"\b(tabla|guia|cuadro) de (talles|medidas)\b|\bsize (chart|guide|table)\b|"
    # the table described by what it holds: "a chart with the measurements", "the measurements of your shirts"
    r"\b(charts?|tables?|guides?) (somewhere )?(of|with) (the |your |all the )?(actual |exact )?"
    r"(measurements|sizing)\b|"
    r"\b(measurements?|sizing) (chart|table|guide)\b|\b(where|how) (can|do|could|would) (i|we) (find|see|check|get|"
    r"look at) (the |your )?measurements\b|\bmeasurements( in (cm|centimet\w+))? (of|for) (your|each|every|all)\b|"
    r"\b(tabla|guia|cuadro|lista) (con|de) (las )?medidas\b|\bmedidas( en (cm|centimetros))? de (cada|sus|todas las) "
    r"(prendas?|productos?|modelos?)\b|\bdonde (veo|puedo ver|se ven|encuentro|estan|figuran) las medidas\b|"
    # how it is read: "las medidas de la tabla, ¿son de la prenda o del cuerpo?", "¿mido una remera mía y comparo con
    # la tabla?"
    r"\b(medidas|tabla)\b[^.?!]{0,40}\b(son|es) (de la prenda|del cuerpo|de la persona)\b|\b(mido|medir|tomo las "
    r"medidas de) (el pecho de |el largo de )?(una|un|la|el) (remera|prenda|buzo|pantalon|campera|camisa)\b"
    r"[^.?!]{0,40}\b(comparo|comparar|con la tabla)\b",
    "the shop's size table, by any of its names, by what it holds or by how it is read",
)

# Which size to choose, asked of the customer's own body or habit ("¿qué talle me recomiendan?", "what size should I
# order?"): the size guide answers it for any garment, unlike how one product fits ("¿el buzo viene grande?").
# Between two sizes ("estoy entre M y L", "between a medium and a large"): the size guide says which to take,
# whatever the garment.
BETWEEN_TWO_SIZES_ES = Fragment(
    "between_two_sizes_es",
    r"\bentre (el |un |una )?(xxs|xs|s|m|l|xl|xxl) y (el |un |una )?(xs|s|m|l|xl|xxl|xxxl)\b",
    "two letter sizes the customer is between, in Spanish",
)
BETWEEN_TWO_SIZES_EN = Fragment(
    "between_two_sizes_en",
    r"\bbetween (an? |your |the )?(xs|s|m|l|xl|small|medium|large) and (an? )?(s|m|l|xl|xxl|medium|large)\b",
    "two sizes the customer is between, in English",
)

# How to know or choose one's own size ("¿cómo sé cuál es mi talle?", "how do I figure out my size?"): the size
# guide says how, for any garment.
KNOW_ONES_SIZE = Fragment(
    "know_ones_size",
    # the best way to choose it: "what is the best way to choose the size?"
    r"\b(best|easiest|right|safest) way to (choose|pick|find|figure out|work out|know|get) (the|a|my|your|his|her|"
    r"their|which)( right| correct)? sizes?\b|"
    # asked or told ("could you tell me how I should go about choosing the right size")
    r"\bhow (((do|can|would|should|will|may|might|could) (i|we|you|one))|((i|we|one) (can|should|would|may|might|"
    r"could))) (go about |suggest (i|we|that i) |recommend (i|we|that i) )?(figure out|figuring out|work out|"
    r"working out|know|find out|finding out|tell|choose|"
    r"choosing|pick|picking|get|getting|determine|determining|select|selecting) (my|your|his|her|their|the right|"
    r"the correct|which|what|a) sizes?\b|"
    # "how do I work out which of your sizes I am?"
    r"\bwhich of (your|the) sizes (i am|am i|i'?m|i'?d be|fits? me|would fit|i need|i take|i wear|to (choose|pick|"
    r"get|order))\b|"
    r"\bcomo (hago|hacemos|puedo|podemos|se hace)?( para)? ?(se|saber|sabemos|elegir|elijo|calcular|averiguar|"
    r"acertar)( bien)?( cual es| con| en)? (el|mi|su|tu|los|que|cual) talles?\b|"
    r"\bcomo (se|sabe|saber) cual es (el mio|mi talle|el suyo|su talle)\b|"
    # "me preocupa equivocarme de talle. ¿Cuál sería la manera correcta de elegirlo?"
    r"\btalles?\b[^?!]{0,80}\b(cual|como) (seria|es) la (mejor |correcta )?(manera|forma) (correcta |adecuada )?de "
    r"elegir(lo|la)?\b",
    "how the customer can know or choose their own size",
)

# The customer's sizes told first, then which to choose: "uso M en remeras pero 42 en pantalones, ¿qué me conviene?"
OWN_SIZES_THEN_WHICH = Fragment(
    "own_sizes_then_which",
    r"\b(uso|usa|uso un|soy) (talle )?(xxs|xs|s|m|l|xl|xxl|xxxl|\d{2})\b[^?!]{0,80}\b(que|cual) (me|le) (conviene|"
    r"recomiendan|recomendas|sugieren|queda mejor|iria)\b",
    "the customer's own sizes, then which one to choose",
)

# A size by its letters, as a product page lists it...
_SIZE_LETTERS = r"(xxs|xs|s|m|l|xl|xxl|xxxl|[2-5]xl)"
# ... or by its letters, its name or its number, as a customer names the one they would choose (a number is a size
# only when no count or unit follows it: "10 o 12 remeras", "30 or 60 days" are no sizes).
_A_SIZE = (
    r"(" + _SIZE_LETTERS + r"|small|medium|large|extra large|\d{2}(?!\s*(%|[a-z]+s\b|dias|days|horas|hours|pesos|"
    r"meses|anos|off|mil|k\b)))"
)

# Up or down a size when between two: "would you recommend going up or down if he's in between?"
UP_OR_DOWN_IN_BETWEEN = Fragment(
    "up_or_down_in_between",
    r"\b(go(ing)?|size) (up|down)\b[^.?!]{0,40}\bin between\b|\bin between\b[^.?!]{0,40}\b(go(ing)?|size) "
    r"(up|down)\b|\b(go(ing)?|size) (up|down) or (up|down)\b",
    "whether to go up or down a size when in between, in English",
)

# One size or the next, asked: "would that make me a small or a medium?", "¿sería S o M?"
ONE_SIZE_OR_THE_NEXT = Fragment(
    "one_size_or_the_next",
    r"\b(am i|would i be|i'?d be|i would be|would that (make me|be)|will i be|should i (get|go for|take|order|buy)|"
    r"do i (need|get|take)|"
    r"is that|would you say) (an? )?(size )?" + _A_SIZE + r" or (an? )?(size )?" + _A_SIZE + r"\b|"
    r"\b(soy|seria|serian|me (iria|va|conviene|queda)|pido|compro|tomo|llevo) (un |una |el |la |talle )?"
    + _A_SIZE
    + r" o (un |una |el |la |talle )?"
    + _A_SIZE
    + r"\b",
    "which of two sizes the customer would be: the size guide says how to choose",
)

# Advice on choosing asked after a size is named: "no idea of her size (it's a surprise). Any advice on choosing?"
ADVICE_ON_CHOOSING_A_SIZE = Fragment(
    "advice_on_choosing_a_size",
    r"\b(size|sizes|sizing|talle|talles)\b[^?]{0,150}\b(advice|tips?|guidance|suggestions?|consejos?|sugerencias?|"
    r"recomendaciones?) (on|for|about|with|para|sobre) (choosing|picking|getting it right|elegir|acertar)"
    # the choosing asked alone or of the size, not of a colour or a gift
    r"(\s*[?.!]|\s+(the |a |her |his |my |their |el |la |su )?(right )?(size|talle)\b)",
    "advice or tips on choosing, asked after a size is named",
)

WHICH_SIZE_TO_CHOOSE = Fragment(
    "which_size_to_choose",
    ADVICE_ON_CHOOSING_A_SIZE.pattern + r"|"
    r"\b(que|cual) talle (me|le|les|nos|te) (recomiendan|recomendas|recomiendas|sugieren|conviene|va|iria|pido|"
    r"compro|elijo|corresponde|corresponderia)\b|\b(que|cual) talle (soy|es el mio|seria|deberia|debo|tengo que|pido|"
    r"pedir|compro|elijo|uso|corresponde)\b|"
    r"\bno (se|sabemos|sabe) (que|cual) talle\b|\b(what|which) size (should|would|do|shall|can|could) (i|we|he|she)\b|"
    + OWN_SIZES_THEN_WHICH.pattern
    + r"|"
    r"\b(what|which) size (would i be|am i|is best|will fit|would fit|fits me|for me|to (get|order|buy|choose))\b|"
    r"\bsize should i (get|order|go for|buy|choose|take)\b|"
    # with one garment word between, never a model's name: "¿qué talle de jean me conviene?", "which size of your
    # shirts will fit me?" (not "¿qué talle del jean Mom me recomiendan?")
    r"\b(que|cual) talle (de|del|en|para) (el |la |los |las |un |una )?" + GARMENT.pattern + r" ((me|le|les|nos|te) )?"
    r"(recomiendan|recomendas|recomiendas|sugieren|conviene|va|iria|pido|compro|elijo|tendria|deberia|seria|uso|"
    r"corresponde)\b|"
    r"\b(que|cual) talle tendria\b|\b(what|which) size (of|in|for) (your |the |a |my )?" + GARMENT.pattern + r" "
    r"(should|would|will|shall|do|can|could|is best|fits?|suits?)\b|"
    r"\b(what|which) size (would|do|can|could) you (suggest|recommend|advise)\b|"
    r"\b(what|which) size will (fit|suit|be (suitable|best|right))\b|\b(what|which) size (i|we) (should|must|need "
    r"to)\b|"
    # someone described, then which size they would be: "what size would a 13 year old boy, 1.60 m, 45 kg, be?"
    r"\b(what|which) size (would|will|should) (a|an|my|our|his|her|your) ([^?.!]|\.\d){0,60}\bbe\b|"
    r"\b(what|which) size (i'?d|i would|he'?d|she'?d|they'?d|he would|she would|they would|we'?d) "
    r"(be|need|take|wear)\b|"
    r"\b(what|which) size (is|would be) (good|right|best|correct|ideal|suitable)\b|"
    r"\b(what|which) size (of )?" + GARMENT.pattern + r" ?(\?|for (me|him|her|them|my|a|an|someone))|"
    r"\bhow (do|would|should) (people|customers|you|i|we) (usually |normally )?(pick|choose|select|decide on) "
    r"(a|the|my|their|your) size\b|"
    + ONE_SIZE_OR_THE_NEXT.pattern
    + r"|"
    + UP_OR_DOWN_IN_BETWEEN.pattern
    + r"|"
    + BETWEEN_TWO_SIZES_ES.pattern
    + r"|"
    + BETWEEN_TWO_SIZES_EN.pattern
    + r"|"
    + KNOW_ONES_SIZE.pattern,
    "which size to choose for oneself or someone: the size guide answers it whatever the garment",
)

# An order not placed yet, in the sentence that asks: "once it ships", "before I order", "si compro hoy", "antes de
# hacer el pedido". Where the parcel will be and how to follow it, asked so, is the shipping text's question (it says
# the tracking code is emailed and when orders are dispatched). Read in a sentence only: an order to come named
# beside one that exists ("where is my order? I'm going to order again") leaves the existing one.
ORDER_TO_COME = Fragment(
    "order_to_come",
    r"\b(before|when) (i|we) (order|place (an|my|the) order|buy|purchase|check out)\b|"
    r"(?<!not )(?<!never )(?<!n't )\b(going|about|planning) to (order|buy|purchase|place an order)\b|"
    r"\bonce (it|they|the (order|parcel|package)|my (order|parcel|package)) (ships|is (sent|shipped|dispatched|on its "
    r"way)|are (sent|shipped|dispatched|on their way))\b|\bonce (it'?s|its) (sent|shipped|dispatched|on its way)\b|"
    r"\b(after|once) (i|we) (order|place (an|my|the) order|buy|purchase)\b|\bafter the order,|"
    r"\bif (i|we) (order|buy|purchase|place an order)\b|"
    r"\bsi (hoy )?(compro|encargo|hago (el|un|la) (pedido|compra))\b|\bsi (yo )?(pago|abono) (hoy|ahora|manana)\b|"
    r"\bantes de (comprar|hacer (el|un|la|mi) (pedido|compra))\b|"
    r"(?<!nunca mas )(?<!no )\bvoy a (comprar|hacer (un|el|mi) pedido)\b|"
    r"\buna vez que (lo|la|los|las) (mandan|envian|despachan)\b|"
    r"\b(would|will) (bring|deliver|carry|take) (my|our) (order|parcel|package)\b",
    "an order not placed yet, in the question's own sentence ('before I order', 'si compro hoy')",
)

# "My order" in a question about how it could reach the customer instead of being delivered ("can I collect my order
# at your shop instead of having it delivered?", "instead of having my order delivered, can I pick it up?"): the
# delivery options the shipping text gives, asked of an order still to come.
MY_ORDER_ANOTHER_WAY = Fragment(
    "my_order_another_way",
    r"\b(pick|collect|fetch|grab|take|get|have)\b[^.?!]{0,15}\bmy (order|package|parcel)\b[^.?!]{0,50}\b(instead of|"
    r"rather than|not)( having| getting)?( it| them)?( be| being)? (delivered|shipped|sent|posted|delivery|shipping)\b|"
    r"\b(instead of|rather than) (having|getting) my (order|package|parcel) (delivered|shipped|sent|posted)\b",
    "'my order' in a question about collecting it instead of having it delivered: an order still to come",
)

# What the website lets the customer choose, asked of what it means ("si en la página me deja elegir el talle, ¿es
# seguro que lo tienen?"): the stock text's general question, naming no product to restock.
WEBSITE_LETS_ONE_CHOOSE = Fragment(
    "website_lets_one_choose",
    r"\bsi (en la (web|pagina) )?(me )?(deja|permite|dejan) elegir (el |un |la )?(talle|color|modelo)\b",
    "'si en la web me deja elegir el talle / el color': what a choice on the website means",
)

# "No llego al mínimo": an amount the customer does not reach (free shipping, a minimum), not a parcel that did not
# come. A lookahead put after "no llego".
NOT_REACHING_AN_AMOUNT = Fragment(
    "not_reaching_an_amount",
    r"(?! (al|a los|a la) (minimo|monto|tope|envio gratis|compra minima|\$|\d+ ?(mil|lucas|pesos)\b))",
    "'no llego al mínimo / al monto / a los $60.000': an amount not reached (a lookahead after 'no llego')",
)

# "No llego" of a customer who cannot make it ("trabajo de 9 a 18 y no llego", "no llego a retirar"), and what reaches
# a place in general ("acá a domicilio no llega casi nada", no purchase named beside it): no parcel that did not come.
# Accents folded, "no llegó" (it did not arrive) and "no llego" (I do not make it) are one spelling, so only what a
# customer who cannot make it says counts: working hours told, or what they cannot get to do.
CANNOT_MAKE_IT = Fragment(
    "cannot_make_it",
    r"\btrabaj\w* de \d{1,2}( ?(h|hs|am|pm))? a \d{1,2}\b[^.?!]{0,30}\bno llego\b|\bno llego a (retirar\w*|ir|pasar|"
    r"buscar\w*|estar)\b|^(?![\s\S]*\b(compre|pedi|pague|encargue|mi pedido|mi compra)\b)[\s\S]*\bno llega casi nada\b",
    "'trabajo de 9 a 18 y no llego', 'no llego a retirar', 'acá no llega casi nada': a customer's time or a place",
)


# A return the customer supposes, not one made: "if I buy something on sale and it doesn't suit me", "if I end up
# sending something back", "si compro algo y no me convence", "si algo no me queda". Money back asked beside it is
# the returns policy's (how and when a return is refunded), not a refund owed; a condition on the shop ("if it does
# not arrive by Friday, I want my money back") is no such supposition.
HYPOTHETICAL_RETURN = Fragment(
    "hypothetical_return",
    r"\b(if|in case|should) (i|we) (\w+ ){0,2}(buy|order|purchase|send|return|end up|decide|change (my|our) "
    r"mind|don'?t like|do not like)\b|\b(if|in case|should) (i|we)\b[^.?!]{0,60}\b(change (my|our) mind|don'?t like "
    r"it|do not like it)\b|\bif (it|they|something|anything|an item|the \w+) (\w+ )?(doesn'?t|does not|"
    r"don'?t|do not) (fit|suit)\b|\bsi (\w+ ){0,3}(compro|compramos|devuelvo|devolvemos|decido devolver|"
    r"quiero devolver|me arrepiento|no me (queda|quedan|convence|convencen|gusta|gustan)|no le "
    r"(queda|quedan|gusta|convence))\b",
    "'if I buy / send something back', 'si compro algo y no me convence': a return supposed, not one made",
)


# Paying when the parcel arrives (cash on delivery) is the payment text's question, not an order's arrival: "¿se
# puede pagar cuando llega el paquete?", "can I pay when the package arrives?"; not a charge that happened ("me
# hicieron pagar al recibir", "I had to pay when it arrived": past or made to pay).
PAY_ON_DELIVERY = Fragment(
    "pay_on_delivery",
    r"(?<!hicieron )(?<!hizo )(?<!tuve que )(?<!tuvimos que )(?<!me cobraron por )"
    r"\b(pag(ar|arlo|arla|arlos|arlas|o|ue)|abon(ar|arlo|arla|arlos|arlas|o|e))\b[^.?!]{0,15}\b(cuando|al|en cuanto|"
    r"apenas|una vez que) (me |nos |lo |la )?(llega|llegue|lleguen|llegan|recibo|reciba|recibir|recibirlo|recibirla|"
    r"recibamos|entregan|entreguen|traen|traigan|trae|traiga)\b|"
    # "¿es posible abonar al momento de recibir el paquete?"
    r"(?<!hicieron )(?<!tuve que )(?<!tenia que )(?<!pidieron que )\b(pagar|pagarle|abonar|abonarle)\b[^.?!]{0,15}"
    r"\b(al|en el) momento de (recibir|la entrega)\b|"
    # not a tip, a fee, customs or the rest of a price: "do I have to pay the driver a tip when it reaches me?"
    r"(?<!made me )(?<!had to )(?<!made us )(?<!asked me to )(?<!told me to )\bpay\b(?![^.?!]{0,40}\b(tips?|extra|"
    r"fees?|customs|charges?|deposit|rest|balance)\b)[^.?!]{0,30}\b(when|on|upon|once) "
    r"(the |my )?(package|parcel|order|it|delivery|they|courier|delivery (guy|man|person|driver)|postman|driver)?\s?"
    r"(arrives|comes|come|is delivered|delivery|receipt|gets here|gets to (my|the|your) \w+|shows up|reach(es)?|"
    r"brings? (it|them|the (package|parcel|order)))\b|"
    # named as a way to pay: "Subject: Payment on delivery", "¿tienen pago contra entrega?"
    r"\b(payment|pay|cash|paying) (on|upon|at) delivery\b|\bpago contra ?entrega\b",
    "paying when the parcel arrives (cash on delivery), asked, in Spanish or English",
)

# Whether the shop gives a tracking code, asked with an indefinite article ("¿mandan un código de seguimiento?", "do
# you give a tracking number?"): the shipping text says so. "¿Me pasan el código de seguimiento?" asks for one order's.
TRACKING_OFFERED = Fragment(
    "tracking_offered",
    r"\b(mandan|envian|dan|pasan|recibo|recibimos|llega|viene|tiene|tienen|hay|incluye|incluyen|con) (un|algun) "
    r"(codigo|numero|link|nro) ((de )?(seguimiento|rastreo|tracking)\b|para (ir )?(segui|sigu|rastrea)\w*)|"
    r"\b(tiene|tienen|hay|viene con|vienen con|"
    r"incluye|incluyen) (seguimiento|rastreo|tracking)\b|\b(do|will|would|can|could) you (send|give|provide|email|"
    r"share) (me |us |customers )?(a |any |some )?tracking (number|code|link)\b|"
    r"\b(is there|will there be|do i get|will i get|do we get|does it come with|do they come with|comes with|do "
    r"you (offer|provide|have)) (a |any |some (kind of |sort of )?)?tracking\b|"
    # "when you send, you give me tracking number?"
    r"\bwhen you (send|ship|dispatch|post)\b[^.?!]{0,20}\byou (send|give|provide|email) (me |us )?(a |any )?tracking "
    r"(number|code|link)\b|"
    # "I'd like to know if I get an email with the tracking details once it leaves"
    r"\b((if|whether) (i|we)('?ll|'?d| will| would)?|(do|will|would) (i|we)) (get|receive) (an? |any |some )?((e-?mail|"
    r"mail|message|text|sms|notification) with (the |a )?)?tracking\b",
    "whether the shop gives a tracking code, asked of any order (an indefinite article, or none)",
)

# A size or colour the website does not let one choose, asked about: is it sold out? ("si un talle aparece gris, ¿es
# que no hay?", "if a size is greyed out, does that mean it's gone?"). The stock text says what the website shows.
SIZE_NOT_SELECTABLE = Fragment(
    "size_not_selectable",
    # "now the M is greyed out"
    r"\b(the |el )?" + _SIZE_LETTERS + r" (is|was|are|were|esta|aparece) (now |ahora )?(greyed|grayed|crossed|en gris|"
    r"grisad\w*|tachad\w*)\b|"
    r"\b(talles?|colou?res|colou?r|sizes?)\b[^.?!]{0,60}\b(no (aparece|aparecen|figura|figuran|me deja|me dejan|se "
    r"puede|se pueden|esta habilitad\w*|estan habilitad\w*)|(aparece|aparecen|esta|estan|sale|salen) (en )?(gris|"
    r"grisad\w*|tachad\w*|bloquead\w*)|grisad\w*|(is|are) (not )?(showing|greyed|grayed|crossed)|(isn'?t|aren'?t) "
    r"(showing|listed|there)|(doesn'?t|does not|don'?t|do not) (show|appear|come up)|greyed out|grayed out|not "
    r"(showing|selectable|clickable|available to (select|choose|pick)))\b|\b(no me deja|no me dejan|no puedo|can'?t|"
    r"cannot|couldn'?t|unable to|won'?t let me|doesn'?t let me) (elegir|seleccionar|marcar|select|choose|pick|"
    r"click( on)?) (\w+ ){0,2}(talles?|colou?r(es|s)?|sizes?|" + _SIZE_LETTERS + r")\b|\bno (me )?"
    r"(aparece|aparecen|figura|figuran) (para (elegir|seleccionar|marcar) )?(el |un |mi |los |ese |en (el )?)?(talles?|"
    r"colou?r(es)?)\b|"
    # "the green one isn't showing my size", "some products don't show XXL", "it's not showing in blue"
    r"\b(isn'?t|is not|aren'?t|are not|doesn'?t|does not|don'?t|do not|not) (showing|show|appearing|appear|"
    r"displaying|display)( up)? (me )?(my size|(any|all the|the) sizes?|(in )?(an? )?(" + _SIZE_LETTERS + r"|"
    r"black|white|blue|red|gr[ae]y|green|pink|beige|navy|brown)\b)",
    "a size or colour the website does not let one choose, asked about",
)

# The smallest and largest sizes: asked with no product named ("¿tienen talle XXL?"), they ask the range made.
EDGE_SIZE = Fragment("edge_size", r"(xxs|xs|xxl|xxxl|[2-5]xl)", "a size at either end of the range (XS, XXL, 3XL)")

# The sizes the shop makes, two sizes to choose between, how the unisex line runs.
SIZE_RANGE_ES = Fragment(
    "size_range_es",
    r"\b(tienen|hacen|manejan|trabajan|venden|fabrican|llegan a|llegan hasta) ((ropa|prendas) (en )?)?(el |talles? |"
    r"tallas? )?"
    + EDGE_SIZE.pattern
    + r"\b|\b(que|cuales) talles (tienen|manejan|hacen|hay|trabajan|vienen|fabrican)\b|\bhasta (que|cual) talle\b|"
    r"\b(rango|curva) de talles\b|\b(talles (grandes|especiales)|xxl|xxxl|[2-5]xl)\b[^.?!]{0,40}\b(todos los modelos|"
    r"todas las prendas)\b|"
    r"\b(hacen|tienen|manejan|trabajan) talles (grandes|especiales|chicos|pequenos)\b|"
    + BETWEEN_TWO_SIZES_ES.pattern
    + r"|\b(linea|prendas?|ropa|talles?|molderia|calce|horma) unisex\b",
    "the sizes made, two sizes to choose between, the unisex line, in Spanish",
)
SIZE_RANGE_EN = Fragment(
    "size_range_en",
    r"\b(do|does) (you|your (shop|store|brand)) (make|carry|have|do|stock|sell|offer|go up to|manufacture|produce)"
    r"( (clothing|clothes|garments|things|items) in( size)?)? (an? |any )?"
    r"(xxs|xs|xxl|xxxl|[2-5]xl|plus[- ]sizes?|petite( sizes)?|extra[- ](small|large)|big(ger)? sizes|larger "
    r"sizes|large sizes)\b|\bplus[- ]size\b|\bwhat sizes (do|does|are|come|(you|u) (make|have|carry|do|offer|stock|"
    r"sell))\b|\b(biggest|largest|smallest) size\b|\bgo up to (an? )?(xxl|xxxl|[2-5]xl|size|triple[- ]?x[- ]?l|"
    r"triple extra large)\b|\b(all|every one) of (your|the) (styles|designs|items|"
    r"clothes)\b[^.?!]{0,30}\b(larger|large|bigger|big|plus|xxl|xxxl) sizes?\b|\b(larger|large|bigger|big|plus) sizes"
    r"\b[^.?!]{0,40}\ball (of )?(your |the )?(styles|designs|items|clothes)\b|"
    r"\b(xxs|xs|xxl|xxxl|[2-5]xl)\b[^.?!]{0,30}\bin (all|most) (of )?(your |the )?(styles|designs|items|clothes|"
    r"models|things|stuff|products)\b|"
    r"(^|[.?!\n]\s*)(hi,? |hello,? )?you (have|make|carry|sell) (an? |any )?(xxs|xs|xxl|xxxl|[2-5]xl)( size)?\b|"
    + BETWEEN_TWO_SIZES_EN.pattern
    + r"|\bunisex\b[^.?!]{0,40}\b(fit|fits|sizing|sizes|run|runs)\b|\bhow (do|does) (the |your )?unisex\b|"
    # how far the sizes go ("how big do your sizes go?", "what size do you go up to?")
    r"\bhow (big|large|small|far) do (your |the )?sizes go\b|\b(what|which) sizes? do you go (up|down) to\b|"
    r"\bup to what size\b",
    "the sizes made, two sizes to choose between, the unisex line, in English",
)

# What the size guide says of every garment: the range of sizes made and how the unisex line is cut ("¿hasta qué
# talle hacen?", "what sizes do you make?", "¿cómo calza la línea unisex?"), even with a garment named.
SIZE_GUIDE_MATTERS = Fragment(
    "size_guide_matters",
    r"\b(hasta|desde) (que|cual) talle (hacen|tienen|llegan|manejan|trabajan)\b(?! (el|la|los|las|de|del) )|"
    r"\bque talles (hacen|tienen|manejan|trabajan)\b|\b(what|which) sizes do you "
    r"(make|have|carry|do|offer|stock)\b|\b(linea|line|coleccion) unisex\b|\bunisex (line|range|ones|collection)\b|"
    r"\ben la unisex\b|\bin the unisex\b|" + SIZE_RANGE_ES.pattern + "|" + SIZE_RANGE_EN.pattern,
    "the range of sizes made, or the unisex line's cut: the size guide's for any garment",
)

# One garment named as one product ("el buzo Aurora", "la campera negra", "this dress"), not a kind of garment ("las
# remeras", "your hoodies", "un buzo"): how it fits or whether it comes in a size is the catalogue's.
ONE_GARMENT = Fragment(
    "one_garment",
    r"\b(el|la|este|esta|ese|esa|the|this|that) (remera|campera|buzo|jean|pantalon|vestido|camisa|pollera|short|"
    r"sweater|sueter|chaleco|saco|tapado|musculosa|top|body|calza|cardigan|camperon|parka|bermuda|jogger|hoodie|"
    r"jacket|coat|t-?shirt|shirt|dress|skirt|sweatshirt|jumper|vest|chinos?|blusa|chomba|blazer|enterito|mono|pijama|"
    r"blouse|jumpsuit|polo|trousers|pants|jeans|shorts)\b",
    "one garment named with 'the' or 'this': one product",
)

# How one garment fits or is cut ("¿viene chico?", "does it run small?", "¿es entallada?", "what's the rise?"): the
# catalogue's, even next to a question about which size to choose.
FIT_OF_A_GARMENT = Fragment(
    "fit_of_a_garment",
    r"\b(viene|vienen|queda|quedan|calza|calzan|es|son|sale|salen) (muy |medio |un poco )?(chic[oa]s?|grandes?|"
    r"larg[oa]s?|cort[oa]s?|entallad[oa]s?|holgad[oa]s?|ajustad[oa]s?|ampli[oa]s?|angost[oa]s?|oversize)\b|"
    r"\b(runs?|fits?|comes?) (small|large|big|true|long|short|tight|loose)\b|\b(entallad\w*|holgad\w*|oversize\w*|"
    r"tiro (alto|bajo|medio)|rise|inseam|largo de|length of|see-?through|transparent\w*)\b|\b(es|is it|are they) "
    r"unisex\b|\bme (arrastre|arrastra|quede largo)\b",
    "how one garment fits or is cut: that product's, not the size guide's",
)

# "how long do refunds take" / "cuánto tarda el reembolso" is not about shipping; nor is how long a replacement, a
# cancellation, an answer, an invoice or an account takes ("how long does it take you to reply?")
NOT_MONEY = Fragment(
    "not_money",
    r"(?![^.?!\n]{0,40}\b(refunds?|reimburs\w*|returns?|exchanges?|reembols\w*|reintegr\w*|devolucion\w*|cambios?|"
    r"devolverme|devolvernos|devuelven|la plata|el dinero|money back|volver|vuelva|vuelvan|reponer|agotad\w*|"
    r"back in stock|come back|comes back|"
    r"acreditacion|acreditar|replace\w*|cancel\w*|repair\w*|respond\w*|reply|replies|answer\w*|"
    r"hear back|get back to|invoices?|account|verif\w*|approv\w*|restock\w*|stock|available|"
    # money showing on a card: "¿cuánto tarda en aparecer / acreditarse?"
    r"aparec\w*|acredit\w*|impact\w*|reflej\w*)\b)",
    "after 'how long': what takes time is not a refund, an exchange, an answer or a restock (a lookahead)",
)

# "Would the money go back onto my card, and how long does that take?": how long the money takes, not a delivery
MONEY_THEN_HOW_LONG = Fragment(
    "money_then_how_long",
    r"\b(money|refunds?|reimburs\w*)\b[^?!]{0,80}\bhow long (does|will|would) (that|it|this)\b",
    "money or a refund, then 'how long does that take' about it",
)

# "¿puedo cambiar el envío / la dirección / el medio de pago?" changes an order, not a garment: no returns rule.
NOT_A_GARMENT_CHANGE = Fragment(
    "not_a_garment_change",
    r"\bcambiar (el|la|mi) (envio|direccion|domicilio|medio|forma|metodo|fecha|dia)\b|\bdevolver (la|mi|una|el) "
    r"(llamad\w*|mensaje)\b|"
    # the thing named before: "la fecha de entrega, ¿la puedo cambiar?"
    r"\b(el|la|mi) (envio|direccion|domicilio|medio de pago|forma de pago|metodo de pago|fecha|dia|contrasena|clave|"
    r"mail|correo|email|telefono|nombre|usuario|cuenta|tarjeta)\b[^.?!]{0,30}\b(lo|la) (puedo|puede|pueden|podes|"
    r"podria|se puede) cambiar\b",
    "a change of the delivery, the address or the way to pay, which is no exchange of a garment",
)

# A discount for paying by transfer or in cash is stated in the payment FAQ; a discount code is another matter.
TRANSFER_DISCOUNT = Fragment(
    "transfer_discount",
    r"\b(transferencia|transfiero|transferir|efectivo|transfer|cash)\b[^.?!]{0,60}\b(descuento|discount|% ?off|"
    r"\d+ ?%)|\b(descuento|discount|\d+ ?%)[^.?!]{0,60}\b(transferencia|transfiero|transferir|efectivo|transfer|"
    r"cash)\b|"
    # a transfer named just before: "...abonar por transferencia. ¿Ofrecen descuento por ese medio?" (a discount for
    # paying cash "by that method" is not said: only the transfer's is)
    r"\b(transferencia|transfiero|transferir|transfer)\b[^?!\n]{0,120}\b(descuento|beneficio|discount)s? (por|con|"
    r"pagando (por|con)|for|with|when paying (by|with)) (ese|este|that|this) (medio|metodo|method|option)\b",
    "a discount next to a bank transfer or cash, in either order, or for 'that method' after a transfer",
)

A_QUESTION = Fragment(
    "a_question",
    r"\?|(^|[.!\n]\s*)(que|como|cuando|donde|cuanto|cuantos|cual|cuales|hay|hacen|tienen|aceptan|puedo|se puede|"
    r"podria|podrian|pueden|consulta|what|how|when|where|which|do|does|"
    r"can|could|is|are|will|would|may)\b"
    # a request to be told, anywhere in a sentence: "solicito información acerca de...", "I'd love to know if..."
    r"|\b(solicito|solicitamos|pido|pedimos) (informacion|info)\b|\b(me gustaria|nos gustaria|quisiera|quisieramos|"
    r"queria|queriamos|quiero|queremos) (saber|consultar)\b|\b(les|le) (consulto|consultamos|pregunto)\b|"
    r"\b(i|we)('d| would) (like|love) to (know|ask)\b|\bplease (let (me|us) know|advise|tell (me|us))\b|"
    r"\b(i|we) (was|were|am|are) wondering\b",
    "a text that asks something: a question mark, a sentence that opens as a question, or a request to be told",
)

# A broad English policy rule is refused by words that place the question on an order that exists or a problem,
# anywhere in the email ("How long do I have to return it? It arrived damaged.", "When do items usually arrive? Mine
# took 2 weeks last time"), ...
EN_ORDER_OR_PROBLEM = Fragment(
    "en_order_or_problem",
    # "wrong" in a hypothetical is the policy question's ("if the size turns out to be wrong", "if I order the wrong
    # size"), not a problem that happened
    r"\b(problems?|issues?|late|delay\w*|(?<!turns out to be )(?<!turn out to be )(?<!if it's )(?<!if its )"
    r"(?<!if it is )(?<!if i order the )(?<!if i pick the )(?<!if i choose the )(?<!if i get the )"
    r"(?<!if i buy the )(?<!if the size is )(?<!if the colour is )(?<!if the color is )(?<!if the fit is )"
    r"(?<!if i get it )(?<!if i got it )(?<!if i guess )(?<!turns out )(?<!turn out )(?<!if i get it totally )"
    r"(?<!if i get it completely )(?<!if i get the size )wrong|"
    # not the writer's own English ("excuse the mistakes", "sorry for any spelling mistakes")
    r"(?<!excuse the )(?<!excuse my )(?<!for the )(?<!for my )(?<!for any )(?<!spelling )(?<!grammar )"
    r"(?<!english )mistake\w*|cancel\w*|complain\w*|lost|damaged|missing|"
    # not an item's condition for a return, told ("I didn't wear it", "it hasn't been washed")
    r"(didn'?t|haven'?t|hasn'?t|wasn'?t|weren'?t)(?! (even )?(been )?(wear|worn|wore|use|used|wash|washed|tried (it|"
    r"them) on|take (the |its )?tags? off|remove[d]? (the |its )?tags?|cut (the |its )?tags?)\b)|"
    r"status|track\w*|where is|where'?s|invoices?|reschedul\w*|redeliver\w*|resend|supposed|"
    # not "I never know", "I am never at home", "I have no local card yet"
    r"never(?! (know|knew|sure|seems?|quite|at home|home|in|there|around|wore|worn|used|washed|been (worn|used|"
    r"washed))\b)|"
    r"promised|(?<!\bcan i )(?<!\bcould i )(?<!\bcan we )(?<!tags are )(?<!tag is )(?<!tags )(?<!tag )(?<!labels are )"
    r"(?<!label is )still(?! (figuring|learning|getting used|settling|deciding|thinking|choosing|looking|browsing|"
    r"undecided|not sure|unsure|new here|unworn|unused|(have|has|got) (the |its |their |all the )?(tags?|labels?|"
    r"receipt|box|packaging|original))\b)|(?<!card )(?<!account )yet|already|replace\w*|"
    # not a present someone got ("my grandson received a shirt from your shop as a gift")
    r"arrived|received(?![^.?!]{0,40}\bas (a )?(gift|present)\b)|(was|were|been|got|get|has|have) (shipped|"
    r"delivered|sent|dispatched|posted)|ago|"
    # what already happened or went wrong, said in a second sentence ("Mine took 2 weeks last time", "It
    # says card not valid", "the transfer I did bounced", "you never shipped it")
    # what a site, card or message says, not what a person says of the customer ("my partner says I write long emails")
    r"mine|took|last time|on day|(it|this|that|the \w+|tracking|you|they|your \w+) (says|said)|not valid|invalid|"
    r"bounced|worried|broke|broken|fell apart|"
    r"you never|sent (it|them|the \w+) back|swapped|"
    # the site, an account or the staff as a problem told ("I've been trying to log in for an hour", "your agent hung
    # up on me", "someone charged my card without asking", "again the same thing happens at checkout")
    # (the customer's own suggestion, not one asked for: "which would you suggest?")
    r"profile|password|agent|representative|operator|register\w*|sign ?up|log ?in|login|saved|(i'?d|i would|i|we|"
    r"may i|me) suggest\w*|suggest (you|that)|suggestions?|hung up|"
    r"charged (my|me|twice|double)|without (asking|permission|my (consent|permission))|vanished|disappeared|"
    r"same (thing|problem|issue|error))\b",
    "English words that put a policy question on an order that exists or a problem, anywhere in the email",
)

# ... and, in the sentence of the question only, words of another matter: a change, an account, a person to talk to,
# feedback ("how do I add a shipping address to my account?", "can I change the delivery address?"). In another
# sentence they are a story's context ("I'd rather collect it at a branch instead. Which couriers do you use?").
EN_ANOTHER_MATTER = Fragment(
    "en_another_matter",
    # a change of mind, or a change of size or colour asked as the policy's ("can I change it for another size?")
    # nor the first exchange, nor the time to make one ("is the first change free?", "how long have I got to
    # change it?")
    # nor a subject naming the topic ("about change", "question about changing things", "about size and change")
    r"\b((?<!first )(?<!free )(?<!have i got to )(?<!do i have to )(?<!long to )(?<!about )(?<!size and )"
    r"(change|changing)(?! (my|your|their|of) mind)(?! (it|them|this|that) (directly |there )?(in|at) (the|your) "
    r"(palermo )?(shop|store))(?! (it |them )?there\b)(?! (it |them |this |that )?(for|to|into) (a |an |another |the )?"
    r"(different |bigger |smaller |larger |other |next )?(size|colou?r|one)s?\b)(?! (it |them )?for (something|"
    r"anything) (else|different)\b)|modify|edit|update|switch|upgrade|"
    # not the address of someone a parcel would go to ("have it delivered to her address there?")
    r"(?<!to her )(?<!to his )(?<!to their )address(es)?|"
    # not "instead of posting it back", "instead of my house", "instead of having it delivered"
    r"(?<!colour )(?<!color )(?<!size )(?<!one )(?<!branch )(?<!office )(?<!point )"
    r"instead(?! of (posting|mailing|sending|shipping|delivery|paying "
    r"(for )?(the )?(delivery|shipping|postage)|"
    r"(having|getting) (it|them) (delivered|shipped|sent|posted)|(my |the )?(house|home|flat|apartment|door|place)\b))|"
    # not a first exchange that costs nothing more ("can we swap it without paying again?")
    r"(?<!paying )(?<!pay )(?<!charged )again|account|subscri\w*|newsletter|"
    # (not the one who will bring the parcel: "can I pay cash when the delivery guy comes?")
    r"(delivery|courier|postal) (guy|man|men|driver|person|boy|girl|woman)(?! (comes|arrives|brings|gets here))|"
    r"driver|"
    # feedback, a person to talk to, the customer's account: not a policy question ("I want to leave a
    # review of your delivery service", "how do I contact customer service about shipping?", "where do
    # I add my delivery options?")
    r"reviews?|feedback|rating|rate|opinion|comments?|experience|satisf\w*|contact\w*|customer (service|"
    r"support|care)|support team|hotline|phone|call|speak|talk|someone|somebody|set ?up|add|save)\b",
    "English words of another matter than a policy question (a change, an account, a person), in its sentence",
)

# ... which refuse anywhere when asked for or awaited: "Please have someone contact me.", "I'd like the blue instead of
# the red.", "I'm waiting for a call from your agent." (another matter the customer wants done, not a story); or when
# the first line, the subject of an email, names it ("My account")
EN_ANOTHER_MATTER_ASKED = Fragment(
    "en_another_matter_asked",
    r"\b(please|pls|plz|kindly|i'?d like|i would like|i want|we want|i need|we need|can you|could you|would you|can i|"
    r"could i|may i|is it possible to|i'?m going to|i am going to|i'?ll|i will|waiting for|waiting on|have (someone|"
    r"somebody)|get (someone|somebody)|tell)\b[^.?!]{0,40}?("
    + EN_ANOTHER_MATTER.pattern
    + r")|^[^\n]*?("
    + EN_ANOTHER_MATTER.pattern
    + ")",
    "a word of another matter in a request, something awaited, or the subject, in English",
)

# What refuses a broad English policy rule anywhere in the email.
EN_NOT_POLICY_ANYWHERE = Fragment(
    "en_not_policy_anywhere",
    EN_ORDER_OR_PROBLEM.pattern + "|" + EN_ANOTHER_MATTER_ASKED.pattern,
    "an order that exists, a problem, or another matter asked for, anywhere in an English email",
)

# Both, for the rules that read them anywhere in the email.
EN_NOT_POLICY = Fragment(
    "en_not_policy",
    EN_ORDER_OR_PROBLEM.pattern + "|" + EN_ANOTHER_MATTER.pattern,
    "English words that put a policy question on an order that exists, a problem, a change, an account or a person",
)

# A shipping rule is also refused by money coming back anywhere in the email: "do you refund shipping costs?" is a
# returns question
_RETURN_WORDS = r"\b(returns?|returning|refunds?|exchanges?|send (it|them) back)\b"
EN_NOT_SHIPPING_ANYWHERE = Fragment(
    "en_not_shipping_anywhere",
    EN_NOT_POLICY_ANYWHERE.pattern + "|" + _RETURN_WORDS,
    "en_not_policy_anywhere, or a return or a refund: a shipping word next to them is about money coming back",
)

# ... and, for a shipping rule, money coming back: "do you refund shipping costs?" is a returns question
EN_NOT_SHIPPING = Fragment(
    "en_not_shipping",
    EN_NOT_POLICY.pattern + "|" + _RETURN_WORDS,
    "en_not_policy, or a return or a refund: a shipping word next to them is about money coming back",
)

# Who pays the postage of a return ("how many days do I have to return an item? And who will shoulder the shipping
# fee?"): the returns text's question, whatever shipping words it uses.
RETURN_POSTAGE = Fragment(
    "return_postage",
    r"^(?=[\s\S]*\b(returns?|returning|send\w* (it|them|something|stuff|items?|one) back|exchanges?|swap)\b)"
    r"(?=[\s\S]*\b(who|whether|do|does|would|will|must|should)\b[^.?!]{0,20}\b(pays?|paying|covers?|shoulders?|"
    r"foots?|bears?)\b[^.?!]{0,20}\b(shipping|postage|delivery|courier)\b)",
    "an email about a return that asks who pays the postage",
)

# ... in Spanish: "¿quién paga el envío de la devolución?", "si lo cambio, ¿el envío corre por mi cuenta?"
RETURN_POSTAGE_ES = Fragment(
    "return_postage_es",
    r"^(?=[\s\S]*\b(devolucion|devolver\w*|devuelvo|cambio|cambiar\w*|cambios|de vuelta|de regreso)\b)"
    r"(?=[\s\S]*(\b(tengo|tenemos|hay) que pagar (el|los) (envio|envios|flete|correo)\b|"
    r"\b(quien (lo |la )?(paga|abona|cubre|se hace cargo de)|a cargo de quien|por cuenta de quien|(lo|la) "
    r"(pago|abono|tengo que pagar|pagan) (yo|ustedes))\b[^.?!]{0,30}\b(envio|envios|flete|correo)\b|\b(envio|envios|"
    r"flete)\b[^.?!]{0,40}\b(quien (lo |la )?(paga|abona|cubre)|(lo|la) (pago|abono|tengo que pagar|pagan) (yo|"
    r"ustedes)|corre por (mi )?cuenta|a cargo de quien|tiene (algun )?costo|(es|sale) (gratis|sin cargo))\b))",
    "an email about a return or an exchange that asks who pays the postage, in Spanish",
)

# Picking up as the premise of a question on paying: "if I pick up at your store, can I pay cash there?" asks how to
# pay (the payment text says cash is taken at the store), not whether one may pick up.
PICKUP_THEN_PAY_EN = Fragment(
    "pickup_then_pay_en",
    r"\b(if|when) (i|we)\b[^.?!]{0,40}\b(pick (it |them )?up|collect|fetch|come (and|to) (get|collect|pick))\b"
    r"[^.?!]{0,60}(\b(pay|paying)\b(?! (for )?(the )?(shipping|delivery|postage))|\b(cash|card)\b)",
    "picking up as the premise of a question on paying, in English",
)


SHIP_NOUN = Fragment(
    "ship_noun",
    r"(shipping|shipment|delivery|deliveries|postage|postal|ship|dispatch)",
    "an English noun for sending the goods",
)

# ... nor a size, a colour, a way of paying, a language, a quantity or the shop itself ("available in black", "buy in
# instalments", "order in Spanish", "buy in bulk", "order from the website", "available in other colours").
NOT_A_PLACE = Fragment(
    "not_a_place",
    r"(?!(the (website|site|web|app|page|catalog\w*|online|sale|same)|online|web|app|instal+ments?|cuotas|cash|dollars|"
    r"pesos|euros|usd|ars|bulk|quantity|quantities|stock|advance|person|stores?|shops?|black|white|blue|red|gr[ae]y|"
    r"green|pink|beige|navy|brown|other|more|different|another|any|all|sizes?|colou?rs?|xs|s|m|l|xl|xxl|small|medium|"
    r"large|petite|plus|(the )?unisex|(the )?(women'?s|men'?s|kids'?)|"
    r"spanish|english|mercado|instagram|whatsapp|facebook|tiktok|amazon|mercado ?libre|falabella|"
    r"shopify|ebay|etsy|a (gift|sale)|sale|gift|resellers?|businesses|companies|minors|packs?|sets?|pairs?|phone|"
    r"mobile|laptop|computer|tablet|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|summer|winter|spring|autumn|fall|the (summer|winter|spring|autumn|fall|holidays?|weekend|morning|"
    r"afternoon|evening)|"
    r"holidays?|weekends?|case|advance)\b)",
    "after 'order in', 'available in': no size, colour, payment, language, quantity, season or sales channel",
)

# An address or a number after "send to": an instruction for an order that exists ("Deliver to Av. Santa Fe 1234
# please", "Send to Mendoza, postcode 5500"), not a question about where the shop delivers.
AN_ADDRESS = Fragment(
    "an_address",
    r"\b(av|avda|avenida|calle|street|st|road|rd|avenue|ave|postcode|zip( code)?|apartment|apt|flat|floor|"
    r"piso|depto|dpto|codigo postal|cp)\b|\d{3,}",
    "a street address or a postcode: where one order goes, not a delivery zone",
)

# After "deliver to", "shipping in": a place that is no zone, but the customer's own address, a change of it, an
# order, or a time ("ship to my address", "deliver to a different address", "delivery in 2 days").
NOT_MY_PLACE = Fragment(
    "not_my_place",
    r"(?! (my|me|your|you|us|our|her|his|their|someone|somebody|the (same|wrong|right|correct|old|new|address|order|"
    r"store|shop)|an? (different|new|other|second|another|friend)|another|which|what|where|when|this|that|these|those|"
    r"it|them|order|time|\d+|a (day|week|few|couple)|one|two|three|stock|"
    r"advance|person|store|full|bulk)\b)",
    "after 'deliver to': no pronoun, own address, order or time, so what follows can be a place (a lookahead)",
)

PAY_WAYS = Fragment(
    "pay_ways",
    r"(cash|cards?|credit cards?|debit cards?|bank transfers?|transfers?|mercado ?pago|paypal|rapipago|pago ?facil|"
    r"contactless( payments?)?|buy now,? pay later|pay later|klarna|afterpay|apple pay|google pay|"
    r"crypto\w*|bitcoin|cheques?|checks|amex|american express|visa|master ?card)",
    "a way to pay, named (cash, a card brand, a wallet, a transfer, buy now pay later)",
)

# "my order", "our parcels": the possessive and the noun are named groups, so the engine can read them as "an order"
OWN_THING = Fragment(
    "own_thing",
    r"(?P<own>my|our) (?P<noun>orders?|purchases?|items?|products?|articles?|packages?|parcels?|shipments?|"
    r"deliver(y|ies)|stuff|things|clothes)\b",
    "'my' or 'our' and what was bought or sent, as the groups own and noun",
)

# A refund-policy phrase next to what already happened is a refund owed, not a policy question ("When can I get a
# refund? Returned it on Monday.", "Refund window? The zipper broke.", "a refund after returning an item").
ALREADY_HAPPENED = Fragment(
    "already_happened",
    # not "will it be returned to my card?", "things never seem to fit"
    r"\b(never(?! (know|knew|sure|seems?|quite))|missing|broke|broken|fell apart|(?<!\bbe )(?<!\bbeing )returned|"
    r"sent (it|them|the \w+) back|after (returning|sending|i "
    r"return\w*)|damaged|defect\w*|torn|ripped|washed|arrived|devolvi|mande|gave (it|them|the \w+) back|"
    r"waiting (for|on) (mine|my|it|them|the (refund|money)))\b",
    "an item returned, broken, washed or arrived: a refund owed, not a policy question",
)

ANOTHER_SHOP = Fragment(
    "another_shop",
    r"\b(en|de|con|a) (otra|otras) (tiendas?|marcas?|paginas?|webs?)\b|\b(en|de) (otro|otros) (locales|"
    r"sitios?|negocios?|comercios?)\b|\ben (un|una) (local|tienda|negocio|marca) (del centro|conocida|de la "
    r"zona|de barrio)\b|\b(at|from|on|in) (another|other|a different) (shops?|stores?|sites?|websites?|"
    r"brands?|places?)\b|\belsewhere\b|\bsomewhere else\b|"
    # shops in general: "most Argentine shops stop at XL"
    r"\b(most|many|lots of|a lot of|all the|other) (\w+ )?(shops|stores|brands)\b|"
    r"\b(en )?(casi )?(todas|todos) (las|los) (marcas|tiendas|negocios)\b",
    "another shop ('en otra tienda', 'en otro lado', 'at another store', 'elsewhere')",
)

# What keeps a sentence about another shop ours: the shop named in it, or a turn to something else ("pero").
OURS_TOO = Fragment(
    "ours_too",
    # not "les cuento que en otra tienda...", which only tells the shop a story
    r"\b(les(?! (cuento|comento|escribo|consulto|pregunto)\b)|ustedes|vos|you|your|yours|vuestr\w*|su tienda|"
    r"su pagina|me llego|me llegaron|me mandaron|pero|but|aunque|although|though)\b",
    "the shop or its parcel named in a sentence, or a 'but' that turns to another matter",
)

# A sentence about another shop that names neither this one nor turns to another matter: anger in it is not at us
# ("en otra tienda me cobraron recargo en 3 cuotas y nunca me lo avisaron, un robo").
ABOUT_ANOTHER_SHOP = Fragment(
    "about_another_shop",
    r"^(?=[\s\S]*(" + ANOTHER_SHOP.pattern + r"))(?![\s\S]*(" + OURS_TOO.pattern + r"))",
    "a sentence about another shop only (for an 'unless' read in the sentence)",
)


# Where a refund goes ("do refunds go back to the original payment method?"): no question of how to pay.
REFUND_DESTINATION = Fragment(
    "refund_destination",
    r"\brefunds?\b[^.?!]{0,40}\b(original|same|initial|other|different) (payment|card|method)|\b(back|returned|"
    r"refunded|credited) to (the |my |a |your )?(original |same )?(card|payment method|account)\b",
    "where a refund goes: the original payment method, the card",
)


# A delivery on a given day ("¿lo pueden entregar un sábado?"): the days a canned text names are its store's.
DELIVERY_ON_A_DAY = Fragment(
    "delivery_on_a_day",
    r"\b(entreg\w*|reparten|reparto|lleg\w*|deliver\w*|arriv\w*|despach\w*|envi\w*|mand\w*|ship\w*)\b[^.?!]{0,30}"
    r"\b(sabados?|domingos?|feriados?|fin de semana|saturdays?|sundays?|weekends?|holidays?)\b|\b(sabados?|domingos?|"
    r"feriados?|fin de semana|saturdays?|sundays?|weekends?|holidays?)\b[^.?!]{0,30}\b(entreg\w*|reparten|reparto|"
    r"lleg\w*|deliver\w*|arriv\w*|despach\w*|envi\w*|ship\w*)",
    "a delivery on a given day ('¿lo pueden entregar un sábado?', 'do you deliver on Sundays?')",
)


# Nobody at home when a delivery comes ("si no estoy cuando pasa el correo, ¿qué pasa?").
NOBODY_AT_HOME = Fragment(
    "nobody_at_home",
    r"\bsi no (estoy|estamos|esta nadie|hay nadie)( en (mi |la |el )?(casa|domicilio|departamento))? (cuando|"
    r"al momento de que|en el momento en que) (llega|llegue|pasa|pase|viene|venga|entregan|traen|tocan|va|vaya)\b|"
    r"\b(no hay nadie|nadie) (en (mi |la )?casa )?para recibir\b|"
    r"\bsi (no hay )?nadie (esta|hay) en (mi |la )?(casa|domicilio)\b|\bsi no (estoy|estamos) en (mi |la )?casa\b|"
    r"\bif (i'?m|i am|we'?re|we are|nobody'?s|nobody is|no one is|no-one is|there'?s (nobody|no one)|there is (nobody|"
    r"no one)) (not )?(at )?(home|in|around|there|available)\b[^.?!]{0,30}\b(arrives?|comes?|delivers?|delivered|"
    r"delivery|courier|postman|parcels?|packages?)\b|"
    r"\b(nobody|no one|no-one) (is |'?s )?(at )?(home|in|around|there|available) to (receive|sign|accept|collect|"
    r"take)\b",
    "nobody at home when a delivery comes ('si no estoy cuando pasa el correo', 'if nobody is home to sign')",
)


# Holding an item until the customer comes or pays ("¿me lo pueden guardar hasta el viernes?", "could you put one
# aside for me?"): the stock text says whether the shop does, whatever item is named.
HOLD_AN_ITEM = Fragment(
    "hold_an_item",
    r"\b(pueden|podrian|podes|podrias|puede|podria|podeis|podriais|se puede|se podra) (guardar|reservar|separar|"
    r"apartar)\b|"
    r"\b(guardan|reservan|separan|apartan|hacen reservas?)\b|"
    r"\b(que )?(me|nos|le) (guarden|reserven|separen|aparten)\b|"
    r"\b(hold|reserve|keep|put aside|set aside|stash)\b[^.?!]"
    r"{0,30}\b(for me|for him|for her|aside|until|till|til)\b|\b(put|set) (one|it|them|an item|a \w+) aside\b|"
    r"\b(put|set) (the|a|an|this|that|my) (\w+ ){1,3}aside\b|"
    r"\bdo you (hold|reserve) (items|clothes|products|garments)\b|\bsave (one|it|them) for me\b|"
    # an item left in the basket until paid: "will it still be there?", "¿me la guardan?"
    r"\b(basket|cart|carrito)\b[^.?!]{0,80}\b(still be there|be held|be kept|be reserved|stay there)\b|"
    r"\b(does|do|will) (the |my |your )?(basket|cart) (hold|keep|reserve)\b",
    "asking the shop to hold, reserve or put aside an item",
)

# Whether sold-out things come back at all, asked of the shop's stock rather than of one product ("do you ever get
# stuff back in?", "will you be getting more stock of things generally?", "¿cada cuánto reponen lo que se agota?"):
# the stock text answers it even after a sold-out garment is named as the reason for asking.
RESTOCKS_IN_GENERAL = Fragment(
    "restocks_in_general",
    r"\b(do|does|will|would) (you|u|you guys|u guys|they|the shop|your shop) (ever |usually |normally |generally |"
    r"typically |often )?(get|bring|have|restock|be getting|be restocking) (\w+ )?(more |new )?(stuff|things|items|"
    r"stock|products|sold[- ]out (items|things|stuff))\b|\b(stuff|things|items|products|sizes) (generally |usually |"
    r"normally |ever )?(come|get|go) back\b|\b(things|stuff|items|products) generally\b|\bgenerally (come|get|go) "
    r"back\b|\b(once|when) (it'?s|its|they'?re|theyre) gone,? (it'?s|its|they'?re|theyre) gone\b|\bcada cuanto "
    r"(reponen|traen|vuelven|renuevan|entra)\b|\b(las cosas|los productos|las prendas|lo) que se agota\w*\b|"
    r"\b(suelen|acostumbran a) (reponer|volver|traer)\b",
    "whether and how often sold-out things come back, asked of the shop's stock as a whole",
)

# How to be told when something is back ("is there a way to get an alert when they come back?", "how would I even
# find out?", "¿cómo hago para que me avisen?"): the stock text's "Notify me" button answers it for any product.
TOLD_WHEN_BACK = Fragment(
    "told_when_back",
    r"\b(a|any|some) (way|option|chance) (for me )?(to )?(get|be|hear|find out|know|receive)\b[^.?!\n]{0,30}"
    r"\b(notif\w*|alert\w*|notice|ping\w*|emails?|told|informed|heads[- ]up|back|available)\b|\bhow (would|will|can|"
    r"do) i (even )?(find out|know|hear about it|be told|get told|get notified)\b|\bis there a way for me to know\b|"
    r"\b(como|de que forma|de que manera) (hago|puedo|podria) (hacer )?para (que me avisen|enterarme|saber cuando)\b|"
    r"\b(forma|manera|modo) de (que me avisen|enterarme)\b",
    "how to be told when a sold-out item is back",
)

# Asking whether one product itself comes back, and when ("will the navy coat in XS come back?", "is that exact one
# coming back?", "¿va a volver el buzo gris?", "¿cuándo vuelve la campera?"): that product's, not the stock text's.
ONE_PRODUCT_COMING_BACK = Fragment(
    "one_product_coming_back",
    r"\b(will|is|are|would) (the|that|this|it|they|those|these) [^.?!\n]{0,50}\b(come|coming|be) back\b|"
    r"\b(exact|particular|specific|same) (one|item|model|style|product|jacket|coat|colour|color)\b|"
    r"\bwhen exactly\b|\bcoming back\b|\brestock date\b|\bdiscontinued\b|"
    # when it (that product) is restocked: "when will you restock it?", "when will it be restocked?"
    r"\bwhen (will|do|are|is|would|can) (you|it|they|those|these|that|this)\b[^.?!]{0,40}\b(restock\w*|have (it|"
    r"them)|get (it|them)|be back|come back|be available|in stock)|"
    r"\b(va|van) a (volver|reponer|entrar|haber|traer)\b|\bcuando (vuelve|vuelven|entra|entran|reponen|van a "
    r"(tener|traer|reponer)|vuelven a (tener|traer|entrar)|vuelve a (haber|entrar))\b|\b(ese|esa|este|esta) (mismo|"
    r"misma|modelo|color|talle)\b|\bse (discontinu\w*|deja de fabricar)\b",
    "whether or when one product itself comes back",
)

# A present the customer was given or is giving, to be exchanged: the returns text says who may exchange a gift and
# with what ("quien lo recibió puede cambiarlo con el número de pedido"). Not a present with its order's number.
GIFT_TO_EXCHANGE = Fragment(
    "gift_to_exchange",
    # nor one washed, worn, without its tags or months old: an item a person must look at
    r"^(?![\s\S]*\b(lave|lavamos|lavada|lavado|lavarla|lavarlo|use|usada|usado|estrene|washed|wore|worn|used it|"
    r"tags? (off|removed)|cut the tags?|sin (la )?etiqueta|saque la etiqueta|hace (unos |varios |\d+ )?meses|"
    r"months ago|in (january|february|march|april|may|june|july|august|september|october|november|december))\b)"
    r"(?![\s\S]*(#\s?\d{3,}|\b(pedido|orden|order|compra|purchase)\s*(n(umero|o)\.?\s*)?(#|:)?\s*\d{3,}))"
    r"(?=[\s\S]*\b(regalaron|regalo|regale|regalarle|de regalo|como regalo|was a (gift|present)|as a (gift|present)|"
    r"(a|my|the|her|his) (gift|present)|i was given|gave (me|him|her|it to)|(bought|got) (me|him|her) (a|an|the|this|"
    r"some))\b)"
    r"(?=[\s\S]*\b(cambi\w*|exchang\w*|swap\w*)\b)",
    "a present to exchange, with no order number given",
)


# A sale event, asked about or named as a time ("después del Hot Sale, ¿se mantiene el descuento?")
SALE_EVENT = Fragment(
    "sale_event",
    r"\b(black friday|cyber ?(monday|week)|hot ?sale)\b",
    "Black Friday, Cyber Monday, Hot Sale",
)
