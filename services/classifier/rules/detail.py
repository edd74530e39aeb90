"""Not intents: what lowers the confidence of a policy topic so that the question goes to the LLM.

- `detail`: something the canned policy texts do not cover (a date, a weekend, same-day or express delivery, a
  holiday, two cards, a colour). It weighs at least as much as the question itself
  (see `intents._competitor`).
- `read_already`: the customer already read something or cannot find it ("no encuentro cuánto sale el envío"). It
  competes like any other intent, but the canned text is often the very answer they missed, so it weighs less.
"""

from __future__ import annotations

from .base import Rule
from .fragments import DELIVERY_ON_A_DAY, HOLD_AN_ITEM, SALE_EVENT

# who, besides the customer, may collect a parcel: a relative, a neighbour, "otra persona"
_SOMEONE_ELSE_ES = (
    r"(otra persona|alguien mas|un tercero|un familiar|mi (hij[oa]|niet[oa]|marido|esposo|esposa|mujer|novi[oa]|"
    r"pareja|mama|papa|madre|padre|herman[oa]|vecin[oa]|amig[oa]|sobrin[oa]|cunad[oa]|suegr[oa]))"
)

# A bank by its name ("Banco Nación", "Galicia"), and what a bank's own promotion offers
_A_BANK = (
    r"banco (galicia|santander|frances|bbva|macro|nacion|provincia|ciudad|hsbc|icbc|supervielle|patagonia|credicoop|"
    r"hipotecario|comafi)|galicia|santander|bbva|macro|hsbc|icbc|supervielle|credicoop|brubank|uala"
)
_A_PROMOTION = r"promo\w*|reintegros?|reembolsos?"

RULES: tuple[Rule, ...] = (
    # a delivery on a given day ("can you deliver tomorrow?"), a safety question about paying online, a colour of a
    # product ("do you ship the hoodie in navy?"): the canned texts do not say
    Rule(
        name="detail.speed_gift_holiday_safety_colour",
        adds_to="detail",
        weight=2,
        description="fastest delivery, gift wrap, holidays, two cards, tomorrow, safety, or a colour, in English",
        pattern=(
            r"\b(fastest|quickest|faster|sooner|earlier|quicker|expedite\w*|rush)\b|\bgift[- ]?(wrap\w*|box\w*|"
            r"messages?|notes?)\b|" + SALE_EVENT.pattern + r"|"
            # a holiday as a time, not as what a gift is for ("a Christmas parcel for my granddaughters")
            r"\b(by|before|for|until|till|over|during|around|in time for|on|after|at) (the )?(christmas|xmas|"
            r"holidays?|holiday season)\b|\b(holiday|christmas|xmas) (hours|opening|closing|schedule|shipping|delivery|"
            r"period|week|rush)\b|\b(two|2|multiple|"
            r"several|different) (cards|payment methods)\b|\b(dos|2|varias) tarjetas\b|\btarjetas distintas\b|"
            r"\bsplit\w* (the )?(payment|bill|cost) (between|across|with|on|over) (two|2|multiple|several|different)\b|"
            # not the day an order would be placed ("if I order online tonight, how long before it arrives?")
            r"\b(?<!\border )(?<!\bonline )(?<!\bbuy )(?<!\bpay )(?<!\bpurchase )(tomorrow|tonight)\b|"
            r"\b(ship|deliver|send|dispatch|post)\w* (it |them )?(today|asap|right away|"
            r"right now)\b|"
            # (not a signature's disclaimer: "cannot be guaranteed to be secure or error-free")
            r"\b(safe|(?<!guaranteed to be )secure(?! or error)|security|legit\w*|trustworthy|encrypt\w*)\b|"
            r"\bin (navy|brown|purple|orange|"
            r"yellow|khaki|olive|burgundy|cream|ivory|tan|camel|black|white|blue|red|gr[ae]y|green|pink|beige)\b|"
            r"\b(same|new|different|other) colou?rs\b|\b(los mismos|otros|nuevos|distintos) colores\b"
        ),
        matches=(
            "Can you deliver tomorrow?",
            "Can I use two cards to pay?",
            "is the dress available in black",
            "What's the fastest shipping option?",
            "¿Puedo pagar con dos tarjetas?",
            "When you restock, do they come back in the same colours?",
            "¿Vuelven en los mismos colores?",
        ),
        # a day named in a request to hold an item is the hold's ("if I pay tomorrow, will it still be in my
        # basket?"), unless a delivery on that day is asked too
        unless_in_sentence=r"^(?=[\s\S]*("
        + HOLD_AN_ITEM.pattern
        + r"))(?![\s\S]*("
        + DELIVERY_ON_A_DAY.pattern
        + r"))",
        never=(
            "If I put a coat in my basket tonight and pay tomorrow, will it still be there?",
            "E-mail transmission cannot be guaranteed to be secure or error-free.",
            "If I order online tonight, roughly how long before it gets delivered?",
        ),
    ),
    # details the canned texts do not cover: dates, weekends, same-day or express delivery
    Rule(
        name="detail.day_weekend_express",
        adds_to="detail",
        weight=2,
        description="a weekend, a holiday, a given day or date, same-day, express or urgent delivery",
        pattern=(
            # the feast of the Kings, not a surname ("Daniel Reyes" under the question)
            # a day gone by is a story's, not a delivery's ("last weekend", "el sábado pasado")
            r"\b((fin(es)? de semana|sabados?|domingos?)(?! pasad[oa]\b)|feriados?|navidad|nochebuena|ano nuevo|"
            r"fin de ano|(dia de|para|en|"
            r"antes de|por) (los )?reyes|"
            r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
            r"diciembre)|en el (dia|mismo dia)|mismo dia|hoy mismo|(?<!american )express?|"
            r"urgente|urgencia|antes del? (lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+)|"
            r"para el (lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+)|"
            r"(before|by|for|on) the \d+(st|nd|rd|th)?|(?<!last )(?<!past )(?<!previous )(weekends?|saturdays?|"
            r"sundays?)|same[- ]day|next[- ]day|overnight|urgent\w*|before (monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday|the \d+|christmas)|by (monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|tomorrow))\b"
        ),
        matches=(
            "Do you deliver on weekends?",
            "¿Hacen envíos los sábados? ¿Aceptan Mercado Pago?",
            "Lo necesito para el viernes, ¿llega?",
            "When will my order arrive? Ordered on the 2nd.",
            "¿Tienen envío express a Rosario?",
            "¿Llega para Reyes?",
            "¿Me la guardan hasta el sábado? ¿Y hacen envíos los sábados?",
            "¿Me la pueden reservar y mandar para que llegue el sábado?",
        ),
        # a day named in a request to hold an item is the hold's ("¿me la guardan hasta el sábado?"), unless a
        # delivery on that day is asked too
        unless_in_sentence=r"^(?=[\s\S]*("
        + HOLD_AN_ITEM.pattern
        + r"))(?![\s\S]*("
        + DELIVERY_ON_A_DAY.pattern
        + r"))",
        # a card's name, not a delivery speed; a day to hold an item until
        never=(
            "Do you ship to Chile? Best, Daniel Reyes",
            "I saw your shirts in the window last weekend. Do you ship to Córdoba?",
            "El sábado pasado pasé por el local. ¿Hacen envíos a Tandil?",
            "¿Me pueden guardar una prenda hasta el sábado? Paso por el local y la pago ahí.",
            "Could you put one aside for me until Saturday? I'd pay when I arrive.",
            "¿Puedo pagar con American Express en cuotas?",
            "Do you take American Express?",
            "¿La american expres se puede en cuotas?",
        ),
    ),
    # who else may collect or receive a parcel: the canned texts name the customer's own DNI only
    Rule(
        name="detail.someone_else_collects",
        adds_to="detail",
        weight=2,
        description="someone else collects or receives the parcel (a relative, a neighbour, 'otra persona')",
        pattern=(
            r"\b(retirar|recibir|buscar)(lo|la|los|las)?\b[^.?!\n]{0,25}(?<!\bde )(?<!\bpara )(?<!\ba )"
            rf"\b{_SOMEONE_ELSE_ES}\b|\b{_SOMEONE_ELSE_ES} (lo |la |los |las )?(puede |podria |va a |iria a |pasa a |"
            r"pasaria a )?(retir|recib|busc)\w*|"
            r"\b(someone else|another person|a (friend|neighbou?r|relative|family member)|my (husband|wife|partner|"
            r"son|daughter|mum|mom|dad|mother|father|brother|sister|neighbou?r|friend|grandson|granddaughter|courier|"
            r"driver|assistant|colleague)) (can |"
            r"could |will |would |may |to )?(pick|collect|receive|sign)\w*\b|\b(pick\w*|collect\w*|receiv\w*|sign\w*)\b"
            r"[^.?!\n]{0,20}\b(for me|on my behalf|someone else|another person)\b|"
            # "¿puedo mandar a alguien a retirar por mí?", "que lo retire alguien por mí"
            r"\b(mandar|enviar) a (alguien|otra persona|un cadete|un remis)\b|\b(retir|recib|busc)\w*\b[^.?!\n]{0,25}"
            r"\bpor mi\b"
        ),
        matches=(
            "¿Puede ir a retirarlo mi nieto con mi DNI?",
            "¿Lo puede retirar otra persona?",
            "Can my husband pick it up at the store?",
            "Can my courier pick it up in Palermo?",
            "Could someone else collect the parcel for me?",
            "¿Hasta qué hora puedo retirar? ¿Puedo mandar a alguien a retirar por mí?",
        ),
        never=(
            "¿Puedo retirar en el local?",
            "Can I pick it up at your store?",
            "Es un regalo para mi hijo, ¿hacen envíos a Córdoba?",
            "Es para mi hijo, ¿lo puedo retirar en el local?",
            "It's for my son's birthday, can I pick it up on Friday?",
        ),
    ),
    # how much the instalments' interest or surcharge is: the payment text says only "con recargo"
    Rule(
        name="detail.interest_amount",
        adds_to="detail",
        weight=2,
        description="how much interest or surcharge instalments carry, or its rate",
        pattern=(
            r"\bcuanto (de |es el |es la |seria el |sale el |da el )?(interes|recargo)\b|\bque (interes|recargo|"
            r"porcentaje)\b|\b(porcentaje|tasa|%) (de |del )?(interes|recargo)\b|\b(cft|tna|tea)\b|"
            r"\bhow much (interest|surcharge|extra)\b|\b(interest|surcharge) rate\b|\bwhat('s| is| would be) the "
            r"(interest|surcharge)\b|\b(percentage|rate) (of|for) (the )?(interest|surcharge)\b"
        ),
        matches=(
            "¿Cuánto interés tienen las 6 cuotas?",
            "¿Qué recargo tiene pagar en 6 cuotas?",
            "What's the surcharge on 6 instalments?",
            "How much interest do the instalments carry?",
        ),
        never=("¿Tienen cuotas sin interés?", "Do you have interest-free instalments?"),
    ),
    # the original packaging or box of a return: the returns text names the label, not the packaging
    Rule(
        name="detail.original_packaging",
        adds_to="detail",
        weight=2,
        description="whether a return needs its original packaging, box or bag",
        pattern=(
            r"\b(empaque|embalaje|packaging)\b|\b(caja|bolsa|bolsita|box|bag|wrapping) original\b|"
            r"\boriginal (box|bag|wrapping|packaging)\b"
        ),
        matches=(
            "¿Tengo que devolverlo en el empaque original?",
            "Do I need the original box to return it?",
            "Can I send it back without the original packaging?",
        ),
        never=("¿Tengo que devolverlo con la etiqueta?", "What do you charge for postage and packing?"),
    ),
    # the size guide did not work for the customer: the sizes text would repeat it
    Rule(
        name="detail.size_guide_did_not_work",
        adds_to="detail",
        weight=2,
        description="the customer says the size chart did not match or did not help",
        pattern=(
            r"\b(tabla|guia)( de (talles|medidas))? no (coincide|coinciden|corresponde|corresponden|me sirv\w*|sirve|"
            r"sirvio|ayud\w*|es real|es correcta)\b|\bno (coincide|coinciden|corresponde|corresponden) con (la|las) "
            r"(tabla|guia|medidas)\b|\bsize (chart|guide)( \w+)? (doesn'?t|does not|didn'?t|did not|isn'?t|is not) "
            r"(match|work|help|accurate|right|correct)\b|\b(don'?t|do not|didn'?t|did not) match (the|your) "
            r"(size )?(chart|guide)\b"
        ),
        matches=(
            "La guía de talles no coincide con la prenda que tengo, ¿qué talle elijo?",
            "The size chart doesn't match the jeans I got.",
            "My measurements didn't match your size chart at all.",
        ),
        never=("¿Dónde está la guía de talles?", "Does the size chart match the fit?"),
    ),
    # an exchange for something cheaper, or what a discount is worked out on: the texts say only that a dearer
    # item's difference is paid, and that a transfer has 10% off
    Rule(
        name="detail.cheaper_item_or_discount_base",
        adds_to="detail",
        weight=2,
        description="an exchange for a cheaper item, or what the transfer discount applies to",
        pattern=(
            # (an item, not a way of paying or of delivery: "is bank transfer cheaper?" is the 10% off)
            r"\b(algo|otra cosa|otra prenda|otro producto|otro articulo|una? \w+) (que )?(sale|cuesta|vale|salga|"
            r"cueste|valga) menos\b|"
            r"\b(algo|otra cosa|otra prenda|otro producto|otro articulo|una? \w+) mas barat[oa]\b|"
            r"\b(something|anything|one|an item|a product|items?) (cheaper|that costs less|less expensive)\b|"
            r"\bcheaper (one|item|product|thing|piece)s?\b|\b(de )?(distinto|otro|diferente) precio\b|"
            r"\b(a )?different price\b|"
            r"\b(sobre|a) (el total|los productos|el envio|el precio final)\b|"
            r"\bcon o sin (el )?descuento\b|\b(antes|despues) (o (antes|despues) )?del descuento\b|"
            r"\b(before|after) (or (before|after) )?(the )?discount\b|\bwith or without (the )?discount\b|"
            r"\b(con )?envio incluido\b|"
            r"\b(include|includes|including|apply to|applies to|applied to|off) (the )?(shipping|delivery|postage)\b"
        ),
        matches=(
            "Si lo cambio por un short que sale menos, ¿me reintegran lo que sobra?",
            "If I swap it for something cheaper, do I get the difference back?",
            "¿El descuento se calcula sobre el total con envío incluido?",
            "Does the transfer discount apply to the shipping too?",
            "¿el envío gratis es desde 60 mil con o sin el descuento de transferencia?",
        ),
        never=(
            "¿Cuánto sale el envío a Córdoba?",
            "If it costs more, do I pay the difference?",
            "Is bank transfer cheaper?",
            "Is it cheaper if I pick it up somewhere?",
        ),
    ),
    # one order paid by two ways, or a bank's own promotion: the payment text names neither
    Rule(
        name="detail.split_payment_or_a_banks_promotion",
        adds_to="detail",
        weight=2,
        description="part of an order paid one way and the rest another, or a named bank's promotion",
        pattern=(
            r"\b(part|half|some)( of [^.?!]{0,30}?)? (with|by|on|in) [^.?!]{0,40}\b(rest|remainder|other half|"
            r"balance)\b|\bsplit (the |my |a |your )?(payment|purchase|order|bill|cost|total|amount) (between|"
            r"across|over two|on two|onto two)\b|"
            r"\b(dividir|partir|repartir) (el |un )?(pago|total|monto|importe) entre\b|"
            r"\b(una parte|parte|la mitad) (con|en|por) [^.?!]{0,40}\b(el resto|la otra( parte| mitad)?|"
            r"y otra (parte )?(con|en|por))\b|"
            # a bank's own promotion (any bank's card is accepted, which the text says)
            r"\b(" + _A_BANK + r")\b[^.?!]{0,40}\b(" + _A_PROMOTION + r")\b|"
            r"\b(" + _A_PROMOTION + r")\b[^.?!]{0,40}\b(" + _A_BANK + r")\b"
        ),
        matches=(
            "Can I put half of it on my card and the balance by bank transfer?",
            "¿Puedo pagar una parte con tarjeta y el resto por transferencia?",
            "¿Y puedo pagar una parte con Mercado Pago y otra con tarjeta?",
            "¿El Banco Galicia tiene alguna promo con ustedes?",
            "Can I split the payment between a credit card and a bank transfer?",
            "¿Se puede dividir el pago entre dos tarjetas?",
        ),
        never=(
            "Can I split the payment into a few months?",
            "¿Aceptan tarjetas de cualquier banco?",
            "Can I pay with a card from any bank?",
            "¿Aceptan la Visa del Banco Nación?",
            "Si transfiero desde mi cuenta de Brubank, ¿tengo igual el descuento?",
        ),
    ),
    # several items in one parcel, or one shipping charge for several orders: the shipping text prices one parcel
    Rule(
        name="detail.one_shipping_for_several",
        adds_to="detail",
        weight=2,
        description="whether several items or orders travel (and are charged) as one shipment",
        pattern=(
            r"\b(un solo envio|el envio es uno solo|en un (solo )?(paquete|envio)|(juntar|junten|unir|combinar) "
            r"(los )?(pedidos|envios|compras)|combined (shipping|postage|delivery)|(ship|send|post) (them|it all|"
            r"everything|both|the orders) together|one (shipping|delivery) (fee|charge|cost) for)\b"
        ),
        matches=(
            "Si pido tres remeras, ¿el envío es uno solo?",
            "¿Pueden juntar los pedidos en un solo envío?",
            "Do you offer combined shipping if I order twice this week?",
        ),
        never=("¿Cuánto sale el envío a Córdoba?", "How much is shipping?"),
    ),
    # how soon an order to collect at the store is ready: the shipping text says "once we email you", not when
    Rule(
        name="detail.pickup_ready_when",
        adds_to="detail",
        weight=2,
        description="how soon an order can be collected at the store (the same day, in a few hours)",
        pattern=(
            r"\b(buscar|retirar|pasar a buscar|pasar a retirar|pasar)(lo|la|los|las)?\b[^.?!\n]{0,25}\b(hoy (a la "
            r"tarde|a la noche|mismo)|en el dia|el mismo dia|en un rato|en (una|dos|tres|\d+) horas?)\b|"
            # "a la tarde" after a purchase or a payment that morning, not the hours ("¿puedo retirar a la tarde?")
            r"\b(si compro|si pago|si hago el pedido|apenas (compro|pago)|despues de pagar)\b[^.?!\n]{0,60}\b(buscar|"
            r"retirar|pasar)(lo|la|los|las)?\b[^.?!\n]{0,25}\b(a la tarde|a la noche)\b|"
            r"\b(cuando|en cuanto tiempo|a partir de cuando|cuanto tarda\w*( en)?) (esta|estaria|estara|queda|quedaria|"
            r"estar) (listo|lista|listos|listas)\b|\b(mismo dia|en el dia|en (una|dos|tres|\d+) horas?) (esta|estaria|"
            r"estara) (listo|lista)\b|"
            r"\b(when|how soon|how long (until|before|till)) (will |would )?(it|my order|the order|they) (be|is|are) "
            r"ready\b|\bpick (it |them |my order )?up (the same day|same day|later (that|the same) day|this "
            r"(afternoon|evening)|in (a few|an|\d+) hours?)\b"
        ),
        matches=(
            "Si compro hoy a la mañana, ¿lo puedo buscar a la tarde por el local?",
            "¿En cuánto tiempo está listo para retirar en el local?",
            "If I order now, can I pick it up the same day at your store?",
            "How soon will it be ready for pickup?",
        ),
        never=(
            "¿Puedo retirar en el local?",
            "¿Puedo pasar a retirar a la tarde?",
            "¿Hasta qué hora puedo retirar?",
            "Can I pick it up at your store?",
        ),
    ),
    # a courier chosen by the customer: the shipping text names two and says nothing of choosing
    Rule(
        name="detail.courier_chosen",
        adds_to="detail",
        weight=2,
        description="the customer asks for one courier or whether they can choose it ('mandalo con Andreani')",
        pattern=(
            r"\b(mandalo|mandala|mandamelo|mandamela|mandenlo|mandenla|mandemelo|envialo|enviala|envienlo|envienla|"
            r"enviemelo|despachalo|despachenlo|que (lo|la|me lo|me la) (manden|envien|despachen)) (con|por|via) "
            r"(andreani|correo|oca)\b|"
            r"\b(prefiero|preferiria|elijo|puedo elegir|se puede elegir|podria elegir) (que (sea|vaya) (con|por) )?"
            r"(andreani|correo argentino|el correo|oca|la empresa de envio|el courier|con que correo)\b|"
            r"\b(send|ship|post) (it|them|my order|the order|my parcel) (with|via|by|through) (andreani|correo|oca)\b|"
            r"\b(prefer|choose|pick) (andreani|correo( argentino)?|oca|the courier|which courier)\b"
        ),
        matches=(
            "¿Hacen envíos a Mendoza? Por favor mandalo con Andreani, no con Correo.",
            "Can you send it with Andreani, not Correo? How long does it take to Mendoza?",
            "¿Puedo elegir con qué correo me lo mandan?",
        ),
        never=("¿Con qué correo mandan?", "Which courier do you use?", "¿Envían por Andreani?"),
    ),
    # an exchange for something sold out: neither the returns nor the stock text says what happens then
    Rule(
        name="detail.exchange_for_what_is_sold_out",
        adds_to="detail",
        weight=2,
        description="what happens to an exchange when the size or item wanted is sold out",
        pattern=(
            r"\b(exchange|swap|change)( it| them)? for\b[^.?!\n]{0,40}\b(is|are|was|were|goes|is all) (out of stock|"
            r"sold out|not available|unavailable)\b|"
            r"\b(para el cambio|para cambiar(lo|la)?|por el que (lo |la )?quiero cambiar)\b[^.?!\n]{0,30}\b(no hay|no "
            r"(tienen|tengan)|esta agotad[oa]|se agoto|agotad[oa])\b|"
            r"\bcambiar(lo|la)?\b[^.?!\n]{0,30}\by (el|ese) (talle|color|producto|modelo) (esta|estuviera|"
            r"este) agotad[oa]\b|\bcambiar(lo|la)?\b[^.?!\n]{0,40}\by no (hay|tienen|queda|quedan)\b"
        ),
        matches=(
            "What if the size I want to exchange for is out of stock?",
            "¿Y si el talle que quiero para el cambio no hay?",
            "Si quiero cambiarlo y el talle está agotado, ¿qué pasa?",
            "Si quiero cambiarlo por otro talle y no hay, ¿me devuelven la plata?",
        ),
        never=(
            "Can I exchange a sale item?",
            "¿Puedo cambiar por otro talle?",
            "swap + sold out sizes",
            "Si lo compro en liquidación y no me va, ¿lo puedo cambiar o en liquidación no hay cambios?",
        ),
    ),
    # whether a place counts as a zone the shipping text names ("¿Escobar es GBA?", "does Tigre count as the
    # suburbs?"): the text gives the zones' times, not their borders
    Rule(
        name="detail.which_zone_a_place_is",
        adds_to="detail",
        weight=2,
        description="whether a town counts as CABA, GBA or the suburbs for the delivery times",
        pattern=(
            # asked, not told in a relative clause ("vivo en Quilmes, que se considera GBA")
            r"(?<!\bque )\b(cuenta|se considera|entra|corresponde|pertenece|es parte|forma parte|esta dentro)"
            r"( como| en| a| de| dentro de| del)? (el |la )?"
            r"(gba|conurbano|amba|caba|capital federal|gran buenos aires)\b|"
            r"\b(es|queda en|esta en|entra en) (gba|conurbano|amba|gran buenos aires)\b ?\?|"
            r"\b(count|counts|considered|classed|classified|fall under|falls under)( as)?( part of)?( the)? "
            r"(buenos aires (suburbs|city|area)|greater buenos aires|gba|amba|caba|suburbs|capital)\b"
        ),
        matches=(
            "I live just outside Tigre — would that count as the Buenos Aires suburbs for delivery purposes?",
            "¿Escobar es GBA?",
            "¿Pilar se considera GBA para el envío?",
        ),
        never=(
            "¿Cuánto tarda a GBA?",
            "How long does delivery to the Buenos Aires suburbs take?",
            "Vivo en Quilmes, que se considera GBA, ¿cuánto tarda el envío?",
        ),
    ),
    # an exchange or return handed in at a courier's branch: the returns text sends a label or takes it at the store
    Rule(
        name="detail.return_at_a_courier_branch",
        adds_to="detail",
        weight=2,
        description="an exchange or return made at a courier's branch or post office",
        pattern=(
            r"\b(cambios?|devoluci\w+|devolver|cambiar)\b[^.?!]{0,60}\b(sucursal|oficina|local)(es)? (de|del) "
            r"(andreani|correo|oca|via cargo)\b|\b(return|exchange|send (it|them) back)\w*\b[^.?!]{0,60}\b(at|from|"
            r"through) (an? |the |any )?(andreani|oca|correo argentino|post office|courier'?s?) ?(branch|office)?\b"
        ),
        matches=(
            "¿Los cambios se pueden hacer en cualquier sucursal de Andreani?",
            "Can I return it at an Andreani branch?",
        ),
        never=("¿Puedo retirar en una sucursal de Andreani?", "Do you ship to an Andreani branch?"),
    ),
    # a price that depends on the size: the sizes text gives measurements, not prices
    Rule(
        name="detail.price_of_a_size",
        adds_to="detail",
        weight=2,
        description="whether larger sizes cost more",
        pattern=(
            r"\b(charge|cost|costs|pay|priced?) (extra|more|higher|the same)\b[^.?!]{0,20}\b(xxl|xxxl|\dxl|plus|bigger|"
            r"larger|big) sizes?\b|"
            r"\b(xxl|xxxl|\dxl|plus|bigger|larger|big) sizes? (cost|costs|are|priced) (extra|more)\b|"
            r"\b(cobran|cuestan|salen|valen) (mas|extra|lo mismo)\b[^.?!]{0,20}\b(los )?(talles grandes|xxl|xxxl)\b|"
            r"\b(los )?talles grandes (cuestan|salen|valen) (mas|extra|lo mismo)\b"
        ),
        matches=("Do you charge extra for XXL sizes?", "¿Los talles grandes salen más caros?"),
        never=("Do you make XXL sizes?", "¿Hasta qué talle hacen?"),
    ),
    # how long the store or a courier's branch keeps a parcel: the shipping text says where, not for how long
    Rule(
        name="detail.how_long_a_parcel_is_kept",
        adds_to="detail",
        weight=2,
        description="how long a parcel waits at the store or a branch to be collected",
        pattern=(
            r"\b(cuantos dias|cuanto tiempo|hasta cuando|que plazo) (tengo|hay|me dan|tienen|lo guardan|la guardan|"
            r"me lo guardan|me la guardan|lo tienen|queda|esta) (para )?(retirar|buscar|ir a buscar|"
            r"pasar a buscar)\w*|"
            r"\b(cuantos dias|cuanto tiempo|hasta cuando) (me |lo |la )?(guardan|tienen|retienen) "
            r"(el paquete|el pedido|la compra)\b|"
            r"\bhow long (do i have|have i got|will you keep|do you keep|do you hold|will you hold|"
            r"does (it|the parcel|the package|my order) stay|is it kept) (to )?(pick|collect|the parcel|the package|it|"
            r"my order|orders)\b"
        ),
        matches=(
            "¿El envío a sucursal cuánto tarda? ¿Y cuántos días tengo para retirarlo?",
            "How long do you keep the parcel at the store before I collect it?",
        ),
        never=("¿Cuántos días tengo para cambiarlo?", "How long do I have to return it?"),
    ),
    # how many units one customer may buy: the canned texts set no limit either way
    Rule(
        name="detail.units_per_customer",
        adds_to="detail",
        weight=2,
        description="a limit of units per customer or per order",
        pattern=(
            r"\b(limit|maximum|max)\w* (on |of )?(how many|units?|items?|pieces?)\b[^.?!\n]{0,40}\b(per |each |one )"
            r"(customer|person|order|buyer)\b|\b(limit|maximum)\w* per (customer|person|order)\b|\b(limite|maximo|"
            r"cantidad maxima)\b[^.?!\n]{0,30}\b(unidades|prendas|por (persona|cliente|compra|pedido))\b|"
            r"\bunidades por (persona|cliente|compra|pedido)\b"
        ),
        matches=(
            "Is there a limit on how many units one customer can buy?",
            "¿Hay un límite de unidades por persona?",
            "¿Cuántas unidades por cliente se pueden comprar?",
        ),
        never=("Do you have a size limit?",),
    ),
    # the customer already read the policy and has a question it leaves open
    Rule(
        name="detail.read_already",
        adds_to="read_already",
        weight=2,
        description="the customer already read something, or cannot find or understand it",
        pattern=(
            r"\b(no entiendo|no me queda claro|no me quedo claro|ya (vi|mire|lei|revise|consulte)|no encuentro|"
            r"i (already )?(checked|read|looked at)|i already saw|i saw (it |that )?(on|in) (your|the) (web\w*|site|"
            r"faqs?|page|table|chart|guide|polic\w*)|(don'?t|do not) understand|confus\w*|can'?t find)\b"
        ),
        # "I saw the dress on Instagram" read nothing the shop wrote
        matches=(
            "No encuentro cuánto sale el envío",
            "Ya leí las preguntas frecuentes pero no me queda claro",
            "I already checked the website and can't find the return window",
            "I saw on your website that you do exchanges, but for how long?",
        ),
        never=("I saw the dress Olivia and I love it. Can I pay in instalments?",),
    ),
)
