"""An order that exists: a payment that went wrong (payment_problem), money back (refund_request), a change or a
cancellation (order_change), news of a parcel (order_status).

Two of these rules also raise the engine's `problem` flag: `PAYMENT_WENT_WRONG` (which, on its own, makes the
email payment_problem whatever else it says) and `DELIVERY_WENT_WRONG`.
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    ABOUT_ANOTHER_SHOP,
    CANNOT_MAKE_IT,
    HYPOTHETICAL_RETURN,
    MY_ORDER_ANOTHER_WAY,
    NOT_REACHING_AN_AMOUNT,
    ORDER_TO_COME,
    PAY_ON_DELIVERY,
    TRACKING_OFFERED,
)

PAYMENT_WENT_WRONG = Rule(
    name="orders.payment_went_wrong",
    adds_to="payment_problem",
    weight=3,
    description="a payment that failed, was refused, is pending, or charged twice or too much",
    pattern=(
        # a failed payment in everyday words, which no payment-methods text answers: "con la Visa no hubo caso",
        # "operación no autorizada", "el banco me devolvió la transferencia", "wouldn't work", "keeps throwing me back
        # to the cart", "awaiting payment"
        r"\bno hubo caso\b|\bquise pagar\b|\bno me dej(o|aba)\b|\b(intente|intentamos|trate|tratamos) (de )?(pagar|"
        r"abonar)\b|\b(el pago|la compra|la transaccion|la operacion) no se (pudo|puede) (hacer|realizar|completar|"
        r"procesar|concretar)\b|\btook (forever|ages|so long|too long|weeks)\b|"
        r"\bno autorizad[oa]\b|\b(me )?(devolvio|devolvieron|rebot\w*) (la|el) (transferencia|pago)\b|\b(wouldn'?t|"
        r"won'?t|would not|will not) (work|go through|accept)\b|\b(throws?|throwing|kicks?|kicking|sends?|"
        r"sending) me back\b|\bawaiting payment\b|\b(sent|bounced) the (transfer|payment) back\b|\bnothing happen\w*\b|"
        r"\brechaz\w*|\b(declined?|rejected|refused)\b|\bno (me )?(deja|dejo|dejaba|permite|permitio|pasa|paso|acepta|"
        r"acepto|toma|tomo|funciona|funciono|procesa|proceso|anda|andaba) (pagar|el pago|la tarjeta|mi tarjeta|con (la|"
        r"mi) tarjeta|abonar|la compra|el checkout)|\bno (puedo|pude|logro|logre|consigo|pudimos) (pagar|abonar|"
        r"completar (el pago|la compra)|finalizar (el pago|la compra))|\b(tarjeta|pago|compra|"
        r"transferencia)\b.{0,20}\bno (me )?(pasa|paso|funciona|funciono|anda|se acredito|fue aprobad[oa]|"
        r"se proceso)\b|\berror (al|en el|con el|del) (pagar|pago|checkout|abonar)|\b(pago|transaccion|operacion|"
        r"tarjeta) (fallid[oa]|rechazad[oa]|denegad[oa]|no aprobad[oa]|pendiente)|\bfallo el pago\b|\bno se (acredito|"
        r"acredita|impacto|impacta|registro|reflejo|refleja) (el |mi )?(pago|transferencia)|\bpendiente de (pago|"
        r"acreditacion)\b|\bsigue (como |en estado )?pendiente\b|\bno (me )?(aparece|aparecen|figura|"
        r"figuran) (los datos|el cbu|el alias|la opcion|las opciones|el boton)\b|\b(me|nos) (cobraron|debitaron|"
        r"descontaron) (dos veces|doble|2 veces|de mas|mal|y no)|\b(cobro|cargo|debito) (doble|duplicado)|"
        r"\bdoble (cobro|cargo|debito)\b|\b(pague|abone|transferi)\b.{0,40}\b(y|pero) (no|todavia|aun|sigue)|"
        r"\bpayment\b.{0,20}\b(failed|fail|declined|didn'?t go through|did not go through|rejected|error|issue|problem|"
        r"not (go through|working|processed)|pending)|\b(card|payment|transaction)\b.{0,12}\b(was |got |has been |"
        r"keeps getting )?(declined|rejected|refused|failed)|\bcharged (me )?(twice|two times|double|more than once)|"
        r"\bdouble[- ]charged\b|\bovercharged\b|\b(couldn'?t|can'?t|cannot|could not|unable to|won'?t let me) (pay|"
        r"complete (the |my )?(payment|purchase|checkout)|check ?out)|\berror (when|while) (paying|checking out)|"
        r"\bcheckout (error|problem|fails|failed|isn'?t working)|"
        # "I tried to pay with Mercado Pago and it failed, how else can I pay?": a failed attempt, not a methods
        # question
        # ("I'm trying to buy my first jeans" is a plan, not an attempt that failed)
        r"\b(tried|trying|try|attempted|attempting) (again )?to (pay|check ?out|complete (the |my )?(payment|purchase|"
        r"order)|place (an|my|the) order)\b|\b(tried|attempted) (again )?to buy\b|"
        r"\b(it|card|payment|transaction|checkout|transfer) (failed|fails|"
        r"keeps failing|did not work|didn'?t work|doesn'?t work|isn'?t working|won'?t go through|wouldn'?t go through|"
        # not "if it doesn't work out" (an item that does not suit)
        r"bounced)\b(?! out)|\bwhy (was|were|am|did|have) (i|we|you) (been )?(charged|charge|billed|bill)\b|"
        r"\b(i|we) (was|were|"
        r"got|have been) (charged|billed)\b|\b(money|amount|funds) (was |were |has been )?(taken|deducted|debited)\b|"
        r"\b(you|they) (charged|billed|took|debited)\b|\bcharged\b[^.?!]{0,30}\b(twice|two times|double|more than once|"
        r"again)\b|\b(discount|coupon|code|promo\w*|price|payment|transfer)\b[^.?!]{0,20}\b(wasn'?t|was not|isn'?t|"
        r"is not|not|never|didn'?t|hasn'?t) (been )?(applied|taken off|deducted|credited|reflected|showing|shown|"
        r"working|work|received|confirmed)\b"
    ),
    matches=(
        "my payment failed",
        "Me rechazaron la tarjeta",
        "hola, el link de pago no me anda",
        "Quise pagar con la Visa y no hubo caso",
        "Me cobraron dos veces la compra",
        "I was charged twice for the same order",
        "I tried to pay with Mercado Pago and it failed, how else can I pay?",
        "The discount code wasn't applied",
    ),
    never=(
        "¿Puedo pagar con tarjeta de crédito?",
        "Do you accept PayPal?",
        "If I buy something on sale and it doesn't work out, can I still return it?",
    ),
)

DELIVERY_WENT_WRONG = Rule(
    name="orders.delivery_went_wrong",
    adds_to="order_status",
    weight=3,
    description="a parcel that did not arrive, is late, lost or stuck, or a delivery time that has passed",
    pattern=(
        # not "si no me llega a quedar" (if it does not end up fitting)
        r"\b(nunca|todavia no|aun no|todavia no me|aun no me|no me|no nos) (me |nos )?(llego|llegaron|llega|recibi|"
        r"recibimos)\b(?! a (quedar|entrar|ir|gustar|cerrar|convencer|servir))|"
        # "si no llego al mínimo" (if I do not reach it), "¿llego o no llego con los tiempos?": a supposition; "si no
        # me llegó" stays a complaint
        r"\bno(?<!\bsi no)(?<!\bo no) (llego|llegaron|llega|recibi|recibimos)\b" + NOT_REACHING_AN_AMOUNT.pattern + r"|"
        r"\bno (lo |la |los |las )?recibi\b|\bsigo esperando\b|\b(perdid[oa]|extraviad[oa]|demorad[oa]|atrasad[oa]|"
        r"retrasad[oa])\b|\b(hasn'?t|has not|haven'?t|have not|didn'?t|did not|never) (yet )?(arrived|"
        r"come(?! back)|received|"
        r"got|gotten|been (delivered|shipped))\b|\bnot (yet )?(received|arrived|delivered)\b|\bstill (waiting|hasn'?t|"
        r"not)\b|\b(lost|missing|delayed|late) (order|package|parcel|shipment|delivery)\b|\b(order|package|"
        r"parcel) (is |was |got )?(lost|missing|delayed|late)\b|"
        # "delivery was supposed to take 3 days", "the delivery time you promised has passed", "it's been 10 days"
        r"\b(was|were|is|are) supposed to (arrive|be (here|delivered|shipped)|come|take|get here|ship)\b|"
        r"\b(you )?(promised|guaranteed|quoted)\b[^.?!]{0,40}\b(passed|over|gone|missed|late|ago)\b|\b(has|"
        r"have) (already )?(passed|gone by)\b|\b(mine|it|they|order|package|parcel|delivery|shipment) (is|was|are|were|"
        r"'s) (very |so |really |still )?(late|delayed|overdue|stuck)\b|\btak(ing|es) (so long|forever|too long|"
        r"ages)\b|\b(it'?s|it has) been (\d+|a|an|one|two|three|four|five|six|several|many|over|"
        r"more than) \w*\s?(days?|weeks?|months?)\b|\boverdue\b|\bmissed (the|my) delivery\b"
    ),
    # a bank card or an ID that has not arrived is no parcel ("my Argentine bank card still hasn't arrived")
    # ... nor a customer who feels lost ("estoy un poco perdida con los talles")
    unless_in_sentence=(
        r"\b(card|tarjeta|dni|passport|pasaporte)( de \w+)? (still |todavia |aun )?(hasn'?t|has not|didn'?t|did not|"
        r"never|no (me )?(llego|llega))\b|"
        r"\b(estoy|estamos|ando|andamos|me siento|nos sentimos|quede|quedamos)( un poco| medio| media| re| bastante| "
        r"muy| totalmente| algo)? perdid[oa]s?\b|" + CANNOT_MAKE_IT.pattern
        # ... nor a customer who cannot make it in time, nor what reaches a place in general
    ),
    matches=(
        "no me llego el pedido",
        "Tu envío 123 está demorado.",
        "My package hasn't arrived yet",
        "my order is late, how long will it take",
        "It's been 10 days and nothing",
        "The delivery was supposed to take 3 days",
        "Figura entregado si nunca me llegó",
        "¿Cómo puede ser, si no me llegó nada?",
        "Trabajo todo el día en casa y el paquete no llegó nunca.",
        "Trabajo en casa y no llegó. ¿Hacen envíos a todo el país?",
        "Ustedes trabajan con Andreani y no llegó nunca.",
        "Compré el 3 y acá a domicilio no llega casi nada.",
        "El pedido no llegó a tiempo para el cumpleaños.",
    ),
    never=(
        "¿Cuánto tarda en llegar un envío a Córdoba?",
        "How long does delivery take?",
        "¿Desde qué monto el envío es gratis? Y si no llego, ¿cuánto sale?",
        "Y si el pantalón no me llega a quedar, ¿el envío del cambio lo pago yo?",
        "No le quiero preguntar el talle y estoy un poco perdida, ¿cómo elijo?",
        "Si retiro en el local, ¿hasta qué hora abren? Trabajo de 9 a 18 y no llego en la semana",
        "Acá a domicilio no llega casi nada, ¿se puede mandar a la sucursal del correo?",
        "Lo necesito para el 20, ¿llego o no llego con los tiempos?",
        "Son dos remeras nada más, no llego al mínimo para envío gratis creo.",
        "Can I pay by transfer? My new debit card still hasn't arrived.",
    ),
)

RULES: tuple[Rule, ...] = (
    # ---- payment_problem
    PAYMENT_WENT_WRONG,
    Rule(
        name="orders.proof_of_payment",
        adds_to="payment_problem",
        weight=1,
        description="a receipt of a payment made, or 'ya pagué': a hint that a payment is being checked",
        pattern=(
            r"\b(comprobante|constancia) de (pago|transferencia)\b|\bya (pague|abone|transferi)\b|\b(proof of payment|"
            r"payment (receipt|confirmation))\b"
        ),
        matches=(
            "Les adjunto el comprobante de transferencia",
            "Ya pagué, les aviso",
            "Attached is the proof of payment",
        ),
    ),
    # paid, yet the order says otherwise: "I paid but the order shows unpaid", "charged but no order confirmation",
    # "got charged more than the total shown"
    Rule(
        name="orders.paid_but_unpaid",
        adds_to="payment_problem",
        weight=3,
        description="paid or charged, yet the order shows unpaid, pending or nothing; or charged more than shown",
        pattern=(
            r"\b(i |we )?(paid|was charged|got charged|been charged|charged)\b[^.?!]{0,15}\bbut\b[^.?!]{0,40}\b(unpaid|"
            r"not paid|no (order|confirmation)|pending|cancel\w*|nothing|says? (i|we) (haven'?t|didn'?t|have not|"
            r"did not))\b|\bcharged more than\b"
        ),
        matches=(
            "we paid yesterday but the site says we haven't",
            "I was charged but got no confirmation",
            "I got charged more than the total shown at checkout",
        ),
    ),
    # ---- refund_request: money back for a purchase
    Rule(
        name="orders.wants_money_back_es",
        adds_to="refund_request",
        weight=3,
        description="the customer wants their money back, in Spanish ('quiero el reembolso', 'que me devuelvan')",
        pattern=(
            r"\b(quiero|necesito|exijo|solicito|pido|quisiera|me gustaria|queria|quería|deseo)\b.{0,30}\b(reembolso|"
            r"reintegro|devolucion (del|de mi|de la|de) (dinero|plata|pago|importe)|"
            # not "la plata" alone: La Plata is a city ("¿hacen envíos a La Plata?")
            r"mi plata|mi dinero|(la|mi) plata de vuelta|el dinero de vuelta|que me (devuelvan|reintegren|reembolsen|"
            r"regresen))"
        ),
        matches=("quiero que me devuelvan la plata", "Necesito el reembolso de mi compra #4521"),
        never=("Quiero saber si hacen envíos a La Plata",),
    ),
    Rule(
        name="orders.give_me_back_the_money_es",
        adds_to="refund_request",
        weight=3,
        description="'devuélvanme la plata', 'la devolución de mi dinero'",
        pattern=(
            r"\b(devuelvan|devolveme|devuelvanme|reintegren|reembolsen|reintegrenme|reembolsenme)\b.{0,20}\b(plata|"
            r"dinero|pago|importe|lo que (pague|abone))|\bdevolucion (del|de mi) (dinero|plata)\b"
        ),
        # nor money another shop owed ("una vez en otra tienda fue un lío para que me devuelvan la plata")
        unless_in_sentence=HYPOTHETICAL_RETURN.pattern + "|" + ABOUT_ANOTHER_SHOP.pattern,
        matches=("quiero que me devuelvan la plata", "Devuélvanme lo que pagué", "Solicito la devolución del dinero"),
        never=(
            "Una vez en otra tienda pagué y fue un lío que me devuelvan la plata. ¿Ustedes tienen stock real?",
            "Si compro algo en liquidación y no me convence, ¿puedo devolverlo y que me reintegren lo que pagué?",
            "si algo no me queda, ¿lo puedo devolver y que me devuelvan la plata?",
        ),
    ),
    Rule(
        name="orders.wants_money_back_en",
        adds_to="refund_request",
        weight=3,
        description="the customer wants a refund or their money back, in English ('I want a refund', 'refund me')",
        pattern=(
            r"\b(i want|i need|i'?d like|i would like|please|can i (get|have)|give me|i demand|requesting|i request|"
            r"i expect|issue)\b.{0,20}\b(a |my |the |full )?(refund|money back)\b|\brefund (me|my|the|for (my|the|this|"
            r"order))\b|\bmy money back\b|\bget my money\b|\bwant (my )?money back\b"
        ),
        # a return supposed, not one made: "if I send something back, how long until I get my money back?" is the
        # returns policy's question
        unless_in_sentence=HYPOTHETICAL_RETURN.pattern,
        matches=("I want my money back", "I'd like a full refund", "Please refund my order"),
        never=(
            "If I buy something on sale and it doesn't suit me, am I able to send it back and get my money back?",
            "if i end up sending something back, how do i get my money back and how long does that take?",
            "If I pick up a jumper in your sale and then change my mind, can I return it for my money back?",
        ),
    ),
    # a refund that exists, or money for an item sent back: "how long will my refund take?", "I sent the jacket
    # back, when do I get the money?"
    Rule(
        name="orders.my_refund",
        adds_to="refund_request",
        weight=3,
        description="a refund that exists ('my refund'), or money asked for an item sent back",
        pattern=(
            r"\b(my|our) (refunds?|reimbursements?)\b|\b(sent|returned|mailed|posted|brought) (it|them|the \w+|my \w+|"
            r"both|everything) back\b[^?!]{0,60}\b(money|refund\w*|reimburs\w*)\b"
        ),
        matches=(
            "how long will my refund take",
            "Could you check if my refund went through?",
            "I sent the jacket back, when do I get the money?",
        ),
    ),
    Rule(
        name="orders.refund_word",
        adds_to="refund_request",
        weight=2,
        description="the word refund or reembolso: a hint, the refund-policy signals turn it into a returns question",
        # not "contra reembolso", paying on delivery
        pattern=r"(?<!\bcontra )(?<!\bcontra-)\b(reembolsos?|reintegros?|refunds?|refunded|reimburse\w*)\b",
        matches=("cuanto tarda el reembolso?", "I still haven't been refunded"),
        never=("¿Se puede pagar contra reembolso?",),
    ),
    Rule(
        name="orders.when_is_my_refund_es",
        adds_to="refund_request",
        weight=3,
        description="money not given back yet, or when it will be, in Spanish ('¿cuándo me reintegran?')",
        pattern=(
            r"\b(me|nos) (reintegran|reembolsan|devuelven (la plata|el dinero|lo que (pague|abone)))\b|\bno (me|"
            r"nos) (devolvieron|reintegraron|reembolsaron|acreditaron|depositaron) (la plata|el dinero|el reembolso|"
            r"el reintegro|lo que (pague|abone))\b|\b(cuando|cuanto tarda|en cuanto tiempo)\b[^.?!]{0,20}\b(me hacen|"
            r"hacen|llega|se acredita|se hace|sale|impacta|veo) (el )?(reintegro|reembolso)\b"
        ),
        matches=(
            "Ya devolví el pantalón, ¿cuándo me reintegran?",
            "Todavía no me devolvieron la plata",
            "¿En cuánto tiempo se acredita el reembolso?",
        ),
    ),
    # ---- order_change: change or cancel an order
    Rule(
        name="orders.change_my_order_es",
        adds_to="order_change",
        weight=3,
        description="cancel, modify or add to an order, in Spanish ('cancelar mi pedido', 'agregar a la compra')",
        pattern=(
            r"\b(cancelar|anular|modificar|editar|corregir|actualizar|agregar|sumar|quitar|sacar)\b.{0,25}\b(mi |el |"
            r"la |del |al |de mi )?(pedido|orden|compra)\b"
        ),
        matches=("quiero cancelar mi pedido", "Quiero cancelar la compra que hice hoy, me equivoqué de talle"),
    ),
    Rule(
        name="orders.change_my_address_es",
        adds_to="order_change",
        weight=3,
        description="'cambiar la dirección', 'corregir el domicilio'",
        pattern=r"\b(cambiar|modificar|corregir|actualizar)\b.{0,10}\b(la |mi )?(direccion|domicilio|dire)\b",
        matches=("¿Puedo cambiar la dirección de entrega?", "Necesito cambiar la dirección de envío del pedido 5678"),
    ),
    Rule(
        name="orders.chose_wrong_es",
        adds_to="order_change",
        weight=3,
        description="'me equivoqué de talle / de color / en la dirección'",
        pattern=r"\bme equivoque (de|en (el|la)) (talle|color|direccion|producto|pedido|domicilio|prenda)\b",
        matches=("Quiero cancelar la compra que hice hoy, me equivoqué de talle", "Me equivoqué en la dirección"),
    ),
    Rule(
        name="orders.change_my_order_en",
        adds_to="order_change",
        weight=3,
        description="cancel or modify an order, change its address, add an item, in English",
        pattern=(
            r"\b(cancel\w*|modify|change|edit|update|amend)\b.{0,12}\b(my|the|this|an) (order|purchase)\b|"
            r"\bchange (the |my )?(shipping |delivery )?address\b|\b(add|remove)\b.{0,25}\b(to|from) my order\b|\b(add|"
            r"include) (one |another |an? )?(more )?(item|items|product|thing)\b|\bwrong (shipping |"
            r"delivery )?address\b"
        ),
        matches=(
            "What is the fee for cancelling an order?",
            "Can I change the shipping address on my order?",
            "I put the wrong address",
        ),
    ),
    # a delivery to another address, or a change to how an order is delivered or paid: "can you ship to a different
    # address?", "I want to change my shipping method to pickup", "is it possible to change the delivery time slot?"
    Rule(
        name="orders.change_how_it_is_delivered",
        adds_to="order_change",
        weight=3,
        description="another address, or a change of how an order is delivered or paid ('switch to pickup')",
        pattern=(
            r"\b(different|another|new|other|second|alternative|wrong) (shipping |delivery |billing )?address\b|"
            r"\b(change|switch|modify|update|upgrade|edit|swap)\w*\b[^.?!]{0,20}\b(shipping|delivery|"
            r"payment) (methods?|options?|types?|choices?|times?|dates?|slots?|days?|speed)\b|\bwrong (shipping|"
            r"delivery|payment) (methods?|options?|types?|choices?|dates?|slots?)\b|\b(change|switch|modify|update|"
            r"upgrade)\w* (it |this |that )?(to|into) (pick ?-?up|express|home delivery|delivery|collection|"
            r"store pick ?-?up)\b"
        ),
        matches=(
            "can you ship to a different address than the billing one?",
            "I want to change my shipping method to pickup",
            "I selected the wrong shipping option, can I change it?",
        ),
    ),
    Rule(
        name="orders.cancel_word",
        adds_to="order_change",
        weight=2,
        description="the word cancel or cancelar: a strong hint of a change to an order",
        # not an order that would lapse unpaid, asked before buying ("¿cuánto tiempo tengo para pagar antes de que se
        # cancele?")
        pattern=(
            r"(?<!\bantes de que se )(?<!\bno quiero que se me )(?<!\bpara que no se )(?<!\bpara que no se me )"
            r"\b(cancelar|cancelacion|anular|anulacion|cancel\w*)\b"
        ),
        matches=("how do i cancel", "Quiero anular la compra"),
        never=(
            "¿Cuánto tiempo tengo para transferir antes de que se cancele?",
            "¿A dónde mando el comprobante? No quiero que se me cancele la compra.",
        ),
    ),
    Rule(
        name="orders.typed_it_wrong_es",
        adds_to="order_change",
        weight=3,
        description="a detail typed wrong, or a switch to pickup or another way to pay, in Spanish",
        pattern=(
            r"\b(puse|escribi|ingrese|cargue) mal (el|la|los|mi)\b|\b(me equivoque|me confundi) (en|con) (la|"
            r"el) (direccion|calle|numero|altura|codigo postal|piso|depto|departamento)\b|\bcambiar (el|"
            r"mi) envio (a domicilio )?por (retiro|envio)\b|\bcambiar (el|la|mi) (medio|forma|metodo) de pago\b"
        ),
        matches=(
            "En mi pedido puse mal el código postal, es 5000",
            "¿Puedo cambiar el envío por retiro en el local? Compré ayer",
            "Compré ayer, ¿puedo cambiar la forma de pago a transferencia?",
        ),
    ),
    # ---- order_status: where is my order
    Rule(
        name="orders.where_is_my_order_es",
        adds_to="order_status",
        weight=3,
        description="'¿dónde está mi pedido?', '¿cómo viene el envío?'",
        pattern=(
            r"\b(donde|como) (esta|estan|anda|viene|quedo) (mi|mis|el|los) (pedidos?|paquetes?|compras?|envios?|orden|"
            r"ordenes|encomiendas?)\b"
        ),
        unless_in_sentence=ORDER_TO_COME.pattern,
        matches=("¿Dónde está mi pedido? Es el #1234", "¿Cómo viene el envío?"),
        never=("Si hago un pedido, ¿cómo sé dónde está mi paquete?",),
    ),
    Rule(
        name="orders.status_of_my_order_es",
        adds_to="order_status",
        weight=3,
        description="'el estado de mi pedido'",
        pattern=r"\bestado (de|del) (mi |el |la )?(pedido|compra|envio|orden|paquete)\b",
        matches=("Quisiera saber el estado de mi pedido", "¿Me informan el estado del envío?"),
    ),
    Rule(
        name="orders.when_does_my_order_arrive_es",
        adds_to="order_status",
        weight=3,
        description="'¿cuándo llega mi pedido?', '¿cuándo me despachan la compra?'",
        pattern=(
            r"\b(cuando|en cuanto|cuanto tarda en) (me |nos )?(llega|llegan|va a llegar|van a llegar|sale|salen|"
            r"despachan|envian|mandan|entregan) (mi|mis|el|los|la|las) (pedidos?|paquetes?|compras?|envios?|orden|"
            r"productos?|cosas)\b"
        ),
        unless_in_sentence=ORDER_TO_COME.pattern + "|" + PAY_ON_DELIVERY.pattern,
        matches=("cuándo llega mi pedido?", "¿Cuándo me llega mi pedido? Ya pasaron 10 días."),
        never=("¿se puede pagar cuando llega el paquete?", "Si pago hoy con tarjeta, ¿cuándo sale el pedido?"),
    ),
    DELIVERY_WENT_WRONG,
    Rule(
        name="orders.tracking",
        adds_to="order_status",
        weight=3,
        description="a tracking number or tracking ('número de seguimiento', 'rastrear', 'tracking')",
        pattern=r"\b(numero|codigo) de (seguimiento|tracking|envio)\b|\bseguimiento\b|\btracking\b|\brastre(ar|o)\b",
        # whether the shop gives tracking at all is the shipping text's question (`shipping.tracking_offered`), and
        # so is how to follow an order not placed yet
        unless=TRACKING_OFFERED.pattern,
        unless_in_sentence=ORDER_TO_COME.pattern,
        matches=("me pasan el nro de seguimiento?", "¿Cómo puedo rastrear el paquete?", "Can you send the tracking?"),
        never=("Cuando compro, ¿me mandan un código de seguimiento?", "Do you give a tracking number?"),
    ),
    Rule(
        name="orders.was_it_dispatched_es",
        adds_to="order_status",
        weight=3,
        description="'¿cuándo lo despachan?', '¿ya lo enviaron?', 'fue despachado'",
        pattern=(
            r"\b(cuando|ya) (me |nos )?(lo|la|los|las) (despachan|envian|mandan|despacharon|enviaron|mandaron|entregan|"
            r"reciben)\b|\bya (lo |la |los |las |me lo |me la )?(despacharon|enviaron|mandaron|salio)\b|\b(fue|esta|"
            r"estan|fueron) despachad[oa]s?\b"
        ),
        # a purchase not made yet: "si pago hoy con tarjeta, ¿cuándo lo despachan?"
        unless=r"\b(si|cuando|desde que|una vez que|apenas|en cuanto) (yo )?(pago|pagamos|abono|abonamos|compro|"
        r"compramos|pido|pedimos|hago (el|un) pedido)\b",
        matches=("hola, cuando lo despachan?", "Hola, ¿ya despacharon mi pedido?", "Tu pedido #88231 fue despachado"),
        never=("Si pago hoy con tarjeta, ¿cuándo lo despachan?",),
    ),
    Rule(
        name="orders.where_is_my_order_en",
        adds_to="order_status",
        weight=3,
        description="'where is my order?', 'order status', 'track my order', 'when will my package arrive?'",
        pattern=(
            r"\bwhere('?s| is| are)? my (order|package|parcel|stuff|shipment|delivery|items?)\b|\border status\b|"
            r"\bstatus of (my|the) (order|package|shipment)\b|\btrack(ing)? (my|number|the order|info|link|code)\b|"
            r"\bwhen (will|is|does) (my|the) (order|package|parcel|shipment|delivery)\b|\bwhen (will|do|can|could|"
            r"should) (i|we) (get|receive) (my|the) (order|package|parcel|shipment)\b|\b(has|did|have) (my|you) (order|"
            r"package)? ?(ship|shipped|been shipped|sent)\b|\bwhen will (it|my order|they) (arrive|ship|be (delivered|"
            r"shipped))\b"
        ),
        # nor whether the shop gives a tracking number at all ("will you send me a tracking number?")
        unless_in_sentence=ORDER_TO_COME.pattern + "|" + TRACKING_OFFERED.pattern,
        matches=("where is my parcel", "Where is my order #1234?", "Has my order shipped yet?"),
        never=(
            "I am going to order soon. After the order, how I know where is my package?",
            "How many days does delivery take to Mendoza, and will you send me a tracking number?",
        ),
    ),
    Rule(
        name="orders.status_of_an_order_en",
        adds_to="order_status",
        weight=3,
        description="'the status of my order / this purchase / a delivery'",
        pattern=r"\bstatus of (my |the |this |an? )?(order|package|parcel|shipment|purchase|delivery)\b",
        matches=("Can you tell me the status of my purchase?", "I'd like to check the status of an order"),
    ),
    # when the customer's own things arrive: "when will my item arrive?", "when can I expect my parcel?", "how long
    # will my purchase take?", "the ETA of my order" (never a canned text: it is about an order that exists)
    Rule(
        name="orders.when_do_my_things_arrive_en",
        adds_to="order_status",
        weight=3,
        description="when the customer's own order or item arrives ('when will my jacket arrive?', 'ETA of my order')",
        pattern=(
            r"\b(when|what day|what date)\b[^.?!]{0,25}\b(my|our|this|that|these|those) (\w+ )?(orders?|packages?|"
            r"parcels?|shipments?|deliver(y|ies)|items?|purchases?|products?|stuff|things|clothes|goods|articles?|"
            r"shirts?|t-?shirts?|jackets?|dress(es)?|jeans|shoes|sneakers|hoodies?|sweaters?|coats?|pants|trousers|"
            r"skirts?)\b[^.?!]{0,25}\b(arrive|arrives|arriving|come|coming|be delivered|get here|be here|ship|shipped|"
            r"be sent|reach|land)\b|\bwhen (will|can|could|should|do|would) (i|we) (get|receive|expect|have|see) (my|"
            r"our|this|that|these|those) \w+|\bhow long (will|does|is|until|till|before|for) (my|"
            r"our) \w+\b[^.?!]{0,20}\b(take|arrive|come|get here|be delivered)\b|\b(eta|estimated (time of )?(arrival|"
            r"delivery)|expected (delivery|arrival)( date)?|delivery date|arrival date) (of|for|on) (my|our|this|the|"
            r"order)\b|\bwhere('?s| is| are) (my|our) \w+"
        ),
        unless=r"\bif (i|we)\b",
        unless_in_sentence=ORDER_TO_COME.pattern,
        matches=("what's the ETA of my item", "When will my new jacket arrive?", "when can I expect my parcel?"),
        never=("If I order today, when will my order arrive?",),
    ),
    Rule(
        name="orders.my_order",
        adds_to="order_status",
        weight=1,
        description="'mi pedido', 'my order' named: a bare hint",
        pattern=r"\b(mi pedido|mi compra|my order|my package)\b",
        unless_in_sentence=ORDER_TO_COME.pattern + "|" + MY_ORDER_ANOTHER_WAY.pattern,
        matches=("cuándo llega mi pedido?", "about my order"),
        never=("how do I get the tracking number for my order once its sent?",),
    ),
    # an order that exists and the customer wants news of it
    Rule(
        name="orders.no_news_es",
        adds_to="order_status",
        weight=3,
        description="what the tracking says ('figura en camino', 'en preparación'), or no news of an order, in Spanish",
        pattern=(
            r"\ben preparacion\b|\b(figura|aparece|dice|esta|sigue) (como |en estado )?['\"]?(en camino|en transito|"
            r"entregado|despachado|en preparacion|en distribucion|en sucursal)\b|\bno (tuve|tengo|hay|"
            r"recibi) (ninguna )?novedad(es)?\b|\bsin novedad(es)?\b|\b(el|mi) (paquete|pedido|envio) (esta|quedo|"
            r"figura) en (la |el )?(sucursal|correo|deposito)\b"
        ),
        matches=(
            "Compré hace diez días y no tuve novedades",
            "Hola, mi pedido dice entregado pero no lo recibí",
            "Hola, el pedido 10501 figura en preparación hace una semana",
        ),
    ),
)
