"""Shipping as a policy topic: whether and where the shop delivers, what it costs, how long it takes, which
carriers, pickup at the shop. The canned shipping text answers these; a parcel that exists is order_status.

Most English rules carry `EN_NOT_SHIPPING` as their "unless": a word about an order that exists, a problem, a change
or money coming back takes the question away from the canned text.
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    AN_ADDRESS,
    EN_ANOTHER_MATTER,
    EN_NOT_POLICY,
    EN_NOT_SHIPPING,
    EN_NOT_SHIPPING_ANYWHERE,
    MONEY_THEN_HOW_LONG,
    NOBODY_AT_HOME,
    NOT_A_PLACE,
    NOT_MONEY,
    NOT_MY_PLACE,
    PAY_ON_DELIVERY,
    PICKUP_THEN_PAY_EN,
    RETURN_POSTAGE,
    RETURN_POSTAGE_ES,
    SHIP_NOUN,
    TRACKING_OFFERED,
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="shipping.tracking_offered",
        adds_to="shipping",
        weight=3,
        description="whether the shop gives a tracking code, asked of any order",
        pattern=TRACKING_OFFERED.pattern,
        matches=(
            "Si compro hoy, ¿me mandan algún código de seguimiento?",
            "¿Los envíos tienen seguimiento?",
            "When you ship, do you give a tracking number?",
            "Does it come with tracking?",
        ),
        never=("¿Me pasan el código de seguimiento de mi pedido?", "Can you send me the tracking number?"),
    ),
    Rule(
        name="shipping.shipping_question_es",
        adds_to="shipping",
        weight=3,
        description="whether, where, how long and for how much the shop ships, or pickup, asked in Spanish",
        pattern=(
            r"\b(hacen|tienen|realizan|hay|haces|tenes|manejan) envios?\b|\b(envian|envias|mandan|mandas|despachan|"
            # not a size reached ("¿llegan hasta XL?", "¿no llegan a tanto?"), nor a person sent to ("y se la mandan
            # a él")
            r"llegan|entregan) (a|al|hasta|para|por) (?!(talles?|xs|s|m|l|xl|xxl|xxxl|[2-5]xl|tanto|eso|el|ella|ellos|"
            r"ellas)\b)\w|"
            r"\b(costo|precio|valor|tarifa)s? (del |de |de los )?(envio|"
            r"flete|despacho|entrega)s?\b|\bcuanto (sale|cuesta|vale|es|esta|seria|saldria|cobran) (el |de |por el |"
            r"por )?(envio|flete|despacho|mandar)\b|\benvios? (gratis|sin cargo|gratuito|bonificado)\b|\b(cuanto|"
            r"cuantos dias|que tiempo|cuanto tiempo) (tarda|demora|tardan|demoran|se tarda|se demora|tardaria|"
            r"demoraria|tardarian|demorarian)\b" + NOT_MONEY.pattern + r"|"
            r"\b(tiempos?|plazos?)( estimados?)? de (entrega|envio|despacho)\b|"
            r"\bretiro (en|por) (el |la )?(local|sucursal|tienda|showroom)\b|\b(puedo|"
            r"se puede|podes|pueden) (pasar a )?(retirar|pasar a buscar|buscar)(lo|la|los|las)?\b|\bretiro gratis\b|"
            r"\b(correo argentino|andreani|oca)\b|\b(envios?|envian) (al interior|a todo el pais|a domicilio)\b|"
            r"\bllegan? (los envios|el envio|los paquetes|los pedidos) (a|al|hasta)\b|"
            r"\b(mandar|enviar)(lo|la|los|las|le|les)? (directamente )?(a|hasta) (su|mi|tu) (casa|domicilio|direccion|"
            r"departamento|trabajo)\b|\b(en cuanto tiempo|cuanto (tardan|demoran) en|cuantos dias tardan en) "
            r"(despach|envi|mand)\w*|"
            # "una vez acreditado, ¿en cuánto despachan?" (not "en cuanto despachen", as soon as they do)
            r"\ben cuanto (lo |la |los |las )?(despachan|envian|mandan)\b(?! (el|la|los|las|mi) (cambio|devolucion|"
            r"reembolso|reintegro|nuev))|"
            # "¿con qué correos trabajan?", "¿se lo pueden entregar en su casa?"
            r"\b(con )?(que|cuales) (correos?|empresas? de (envio|correo|transporte)|transportes?|mensajerias?|"
            r"logisticas?) (trabajan|usan|envian|mandan|despachan|manejan|utilizan)\b|"
            r"\b(entregar|llevar)(lo|la|los|las|le|les|selo|sela|selos|selas)? (en|a|hasta) (su|mi|tu) "
            r"(casa|domicilio)\b|"
            r"\bretir\w* [^.?!]{0,30}\b(tiene (algun )?costo|es gratis|sale algo|se paga)\b|"
            # "el envío tiene costo?", "¿me lo pueden traer hasta la puerta de mi casa?"
            r"\b(envio|flete|despacho) (tiene|lleva) (algun )?(costo|cargo)\b|\b(pueden|podes|podrian) (traer|llevar)"
            r"(lo|la|los|las|melo|mela|melos|melas)? (hasta )?(la puerta de )?(mi|su|tu) (casa|domicilio|depto|"
            r"departamento)\b|"
            r"\bpunto de retiro\b|\bcomo (son|funcionan|hacen) los envios\b|\benvio (me |nos |te |les )?(es|sale|seria|"
            r"saldria) gratis\b|\b(retirar|recoger)(lo|la|los|las)? (el pedido |la compra )?(en|por) (el |la |su )?"
            r"(local|sucursal|tienda|showroom)\b|"
            r"\b(retirar|buscar|pasar a buscar)(lo|la|los|las)? (en persona|personalmente|yo mism[oa])\b|"
            # the amount from which shipping is free: "¿desde qué monto el envío no se paga?"
            r"\b(desde|a partir de) (que|cuanto|cual) (monto|valor|importe|precio|total)\b[^.?!]{0,30}\b(envio|"
            r"flete)|\b(envio|flete) (no se paga|no se cobra|no tiene costo|es sin costo|queda bonificado)\b|"
            # "si uno compra por determinado monto ya no paga el envío", "el flete: ¿lo cobran aparte o viene incluido?"
            r"\b(compr\w*|gast\w*)\b[^.?!]{0,40}\bno (se )?(paga|pagas|pago|cobra|cobran) (el )?(envio|flete)\b|"
            r"\b(envio|flete)\b[^.?!]{0,30}\b((lo |la )?(cobran|se cobra|se paga) aparte|(viene|va|esta) incluido en "
            r"(el precio|el total|la compra))\b|"
            # when an order placed now is dispatched, asked before it is placed
            r"\bsi (compro|pago|pido|hago (el|la|un|una) (pedido|compra))\b[^.?!]{0,40}\bcuando (me )?(lo |la |los |"
            r"las )?(despachan|envian|mandan|sale)\b|"
            # "¿al conurbano en cuánto llega más o menos?"; not money that comes back nor a mail that arrives
            # not a supposition of its arrival ("si cuando llega me queda chica, ¿la puedo cambiar?")
            r"\b(?<!\bsi )(cuando|en cuanto( tiempo)?|en cuantos dias|cuantos dias) (me |te |nos |le |les )?"
            r"(llega|llegaria|"
            r"llegan|llegarian|tarda|"
            # not an item that arrives and does not fit: the exchange is the question
            r"tardaria|demora|demoraria)\b(?![^.?!]{0,5}\bno (me|le|te|les) (queda|gusta|va|entra|sirve|convence))"
            + NOT_MONEY.pattern
            + r"(?! (la |el )?(confirmacion|mail|respuesta|factura|codigo))"
        ),
        matches=(
            "¿Es posible recoger el pedido en su tienda en lugar de que me lo envíen?",
            "¿Qué días y en qué horario puedo pasar a retirarlo?",
            "¿Hacen envíos a Córdoba?",
            "hola, cuanto tarda?",
            "y al conurbano en cuanto llega mas o menos?",
            "¿Con qué correos trabajan?",
            "¿Se lo pueden entregar en su casa o tiene que ir a buscarlo?",
            "el envio es gratis?",
            "¿Puedo retirar en el local?",
            "Prefiero retirar en persona en lugar de esperar el envío. ¿Se puede?",
            "Si pagamos con transferencia, ¿hay descuento? ¿Y el envío nos sale gratis?",
            "¿Puedo comprar por la web y retirar en el local?",
            "si compro hoy, ¿cuándo despachan?",
            "¿Llegan los envíos hasta acá? Soy de Comodoro Rivadavia.",
            "¿desde qué monto el envío no se paga?",
            "¿Le pueden mandar directamente a su casa en Bahía Blanca?",
            "Buenas, en cuánto tiempo despachan después de que pago?",
            "Cuando se acredita la transferencia, ¿en cuánto lo despachan?",
            "Si compro online y lo retiro ahí, ¿tiene costo?",
            "El flete, ¿lo cobran aparte o viene incluido?",
            "Escuché que si uno compra por cierto monto ya no paga el envío, ¿desde cuánto?",
            "Hola, el envío tiene costo?",
            "¿El paquete me lo pueden traer hasta la puerta de mi casa o sí o sí hay que retirarlo?",
        ),
        # picking up as the premise of a question on paying: "si lo retiro en el local, ¿puedo pagar en efectivo ahí?"
        # asks how to pay (the payment text says cash is taken at the store)
        # and so is paying when the parcel arrives: "¿puedo pagar cuando me llega el paquete a mi casa?"
        unless_in_sentence=r"\bsi\b[^.?!]{0,60}\b(retir\w*|buscar\w*|pasar a buscar\w*)\b[^.?!]{0,60}\b(pag(ar|o|a|ue)|"
        r"abon(ar|o|a|e))\b[^.?!]{0,30}\b(efectivo|cash|tarjeta|debito|credito|ahi|alli|en el local|al retirar)\b|"
        + PAY_ON_DELIVERY.pattern,
        never=(
            "Si devuelvo una campera, ¿en cuánto tiempo me llega la plata?",
            "Si lo retiro en el local, ¿puedo pagar en efectivo ahí?",
            "quisiera saber si puedo pagar cuando me llega el paquete a mi casa",
            "¿Cuánto tarda el reembolso?",
            "¿Hacen talles grandes o llegan hasta XL?",
            "Si le compro ropa y se la mandan a él, ¿la puede cambiar en el local?",
            "Si devuelvo una prenda, ¿me devuelven la plata en la tarjeta? ¿Cuánto tarda en aparecer?",
            "¿Cuánto tarda en volver algo que está agotado?",
            "Y si cuando llega no me queda, ¿lo puedo cambiar?",
            "Si cuando llega la campera resulta que me queda chica, ¿la puedo cambiar por otro talle?",
        ),
    ),
    # delivery to a courier's branch, and which courier: both in the shipping text
    Rule(
        name="shipping.branch_or_courier_es",
        adds_to="shipping",
        weight=3,
        description="sending to a courier's branch instead of home, or which courier the shop uses, in Spanish",
        pattern=(
            r"\b(mandan|mandar|mandarlo|mandarla|manden|mandes|envian|enviar|enviarlo|enviarla|envien|despachan|"
            r"despachar|"
            r"vaya|vayan|entregan|entregar|retirarlo|retirarla|retirar) (a|en|por) (una |la "
            r"|alguna )?sucursal\b|\b(envios?|entregas?) (a|en) sucursal\b|\bcon (que|cual) (correo|empresa|transporte|"
            r"mensajeria|logistica) (mandan|envian|trabajan|despachan|mandas|envias|hacen)\b"
        ),
        matches=(
            "¿Puedo elegir que lo manden a una sucursal?",
            "¿Con qué correo trabajan?",
            "¿Hacen envío a sucursal de Andreani?",
        ),
        never=("El correo dejó mi paquete en una sucursal", "Me lo mandaron a una sucursal que queda lejos"),
    ),
    Rule(
        name="shipping.how_long_or_which_method_en",
        adds_to="shipping",
        weight=3,
        description="'how long does it take to arrive?', shipping methods or options",
        pattern=(
            r"\bhow (long|soon)\b" + NOT_MONEY.pattern + r".{0,40}\b(arrive|arrives|arriving|take|takes|get here|"
            r"be delivered|to deliver)\b|\b(shipping|shipment|delivery) (methods?|options?|modes?|modalit(y|ies))\b|"
            r"\b(methods?|options?|ways?) (for|of) (shipping|shipment|delivery)\b|"
            # "would they actually make it up here?", "what's the usual timeframe?"
            r"\b(would|will|do|does|can) (they|it|things|orders|parcels|packages) (actually )?(make it|get|reach) "
            r"(up |down |out )?(here|there)\b|\b(usual|normal|typical|average|estimated) (time ?frame|delivery time|"
            r"transit time)\b|"
            # "will it get to San Miguel de Tucumán in about a week?", "would delivery be free?"
            r"\b(will|would|does|do|could) (it|they|the order|orders|parcels|the parcel|a parcel) (get|arrive|reach) "
            r"(to |in |at )?[a-z ]{2,30}? (in|within) (about |around |roughly )?(a|one|two|\d+) (weeks?|days?)\b|"
            r"\b(delivery|shipping|postage) (would|will|is|could) (be )?(free|at no cost)\b|"
            # "does it take long to get here?"
            r"\b(does|would|will|do) (it|they|delivery|shipping|a parcel|parcels|orders) take (long|a while|long to "
            r"(get|arrive|reach|come))\b"
        ),
        unless=MONEY_THEN_HOW_LONG.pattern,
        matches=(
            "How long does delivery take?",
            "What are my delivery options?",
            "Hi, how long does shipping take?",
            "If I order a few things would they actually make it up here? Whats the usual timeframe?",
            "I'm in Corrientes. Does it take long to get here?",
            "If I order now, will it get to San Miguel de Tucumán in about a week?",
            "Since the total is over ARS 60,000, I assume the delivery would be free?",
        ),
        never=(
            "How long does a refund take to arrive?",
            "Would the money go back onto my card, and how long does that usually take?",
        ),
    ),
    Rule(
        name="shipping.do_you_ship_en",
        adds_to="shipping",
        weight=3,
        description="'do you ship to...?', shipping cost or time, free shipping, store pickup, in English",
        pattern=(
            r"\bship(ping)? to\b|\b(shipping|"
            r"delivery) (cost|costs|fee|fees|price|rate|rates|time|times|options|methods|policy|charges?)\b|"
            r"\bhow (long|much) (does|will|is|would)\b.{0,25}\b(shipping|delivery|take to (arrive|ship|deliver|get "
            r"here))\b|\bhow long (does it|will it|would it) take\b"
            + NOT_MONEY.pattern
            + r"|\bhow much (is|does|for) (shipping|delivery)\b|"
            r"\bfree (shipping|delivery)\b|\bpick(?<!\bwhen i pick)(?<!\bwhen we pick) ?up\b.{0,20}\b(store|shop)\b|"
            r"\b(can i|is it possible to|could i) pick\b|\b(store|in-store) pick ?up\b|"
            # "do you ship outside Buenos Aires?": the provinces, not abroad
            r"\b(ship|deliver|send|post)\w* (anywhere )?(outside|beyond) (of )?(buenos aires|caba|capital|the city|"
            r"ba)\b"
        ),
        unless=RETURN_POSTAGE.pattern + "|" + MONEY_THEN_HOW_LONG.pattern,
        # nor how long a sold-out item takes to come back ("Do things like that come back, and how long does it take?")
        unless_in_sentence=PICKUP_THEN_PAY_EN.pattern + r"|\b(comes?|coming) back\b|\brestock\w*|\bback in stock\b",
        matches=(
            "Do you ship to Canada?",
            "What are the shipping costs?",
            "Do you offer free shipping?",
            "Hello, I'd love to know if you ship outside Buenos Aires.",
        ),
        never=(
            "If we collect it at your shop, can we pay by card there?",
            "Can I pay cash when I pick up at your store?",
            "How many days do I have to return an item? And who will shoulder the shipping fee?",
            "Do sold-out jackets usually come back, and how long does it take?",
        ),
    ),
    # Whether the shop ships at all, asked in its own sentence: a return's postage asked in another one ("Do you ship
    # to Mendoza? And if it doesn't fit, who pays the return shipping?") leaves it the shipping text's question.
    Rule(
        name="shipping.whether_you_ship_en",
        adds_to="shipping",
        weight=3,
        description="'do you ship / deliver ...?' asked in a sentence of its own, not of a return or an exchange",
        pattern=(
            r"\bdo (you|u)( guys| even| also| still| actually)? (ship|deliver)\b(?! (it|them|the "
            r"(exchange|replacement|swap|return|new size)))"
        ),
        unless_in_sentence=(
            PICKUP_THEN_PAY_EN.pattern + r"|\b(returns?|return(ed|ing)|exchang\w*|swap\w*|back|replacement)\b"
        ),
        matches=(
            "Do you ship to Canada?",
            "do you even ship this far south?",
            "Do you ship to Mendoza? And if it doesn't fit, who pays the return shipping?",
        ),
        never=(
            "If I swap it, do you ship the new size for free?",
            "Do you deliver the exchange back to my home?",
        ),
    ),
    Rule(
        name="shipping.shipping_word",
        adds_to="shipping",
        weight=1,
        description="the word envío, shipping, delivery or a pick-up: a bare hint",
        pattern=r"\b(envio|envios|enviar|envian|flete|entrega|shipping|ship|delivery|deliver|retiro|retirar|"
        r"pick ?up|collect)\b",
        # not the postage of a return ("how do exchanges work and who pays the shipping?"): the returns text's; nor
        # the one who delivers, asked to be paid ("can I pay the delivery man?"): the payment text's
        unless_in_sentence=RETURN_POSTAGE.pattern + "|" + RETURN_POSTAGE_ES.pattern + "|" + PAY_ON_DELIVERY.pattern,
        matches=("envíos?", "shiping", "y si retiro en palermo es gratis?"),
        never=(
            "Hello, how do exchanges work and who pays the shipping?",
            "can I pay the delivery man when the package reach my house?",
            "Payment on delivery",
        ),
    ),
    # "el envío a La Plata, ¿cuánto sale?": the price after the noun
    Rule(
        name="shipping.how_much_after_the_noun_es",
        adds_to="shipping",
        weight=3,
        description="the price or time of shipping asked after the noun ('el envío a Mendoza, ¿cuánto sale?')",
        pattern=(
            r"\b(envio|envios|flete|despacho)\b[^.?!]{0,40}\bcuanto (sale|salen|cuesta|cuestan|vale|valen|cobran|seria|"
            r"saldria|tarda|tardan|demora|demoran)\b|\bcuanto (me )?(sale|cuesta|cobran)\b[^.?!]{0,20}\b(mandar|enviar|"
            r"el envio|envio)\b"
        ),
        matches=("el flete a Bahía Blanca, ¿cuánto sale más o menos?", "¿Cuánto me cobran por mandar a Salta?"),
    ),
    Rule(
        name="shipping.delivery_terms_en",
        adds_to="shipping",
        weight=3,
        description="delivery days, periods, zones, types, carriers, speed or cost, or arrival if one buys, in English",
        pattern=(
            r"\bhow many (business |working )?days\b" + NOT_MONEY.pattern + r"[^.?!]{0,30}\b(shipping|delivery|ship|"
            r"deliver|take|takes|arrive|arrives)\b|\b(offer|have|do) (home|door[- ]to[- ]door|nationwide|"
            r"national) (delivery|shipping)\b|"
            # not "delivery date", "the ETA", "when can I expect it": those ask about an order that exists
            r"\b(delivery|shipping) (periods?|timeframes?|time ?frames?|windows?|zones?|areas?|info|information|"
            r"conditions|terms)\b|\b(kinds?|types?|sorts?) of (delivery|shipping|shipment)\b|\b(which|what) (carriers?|"
            r"couriers?|shipping compan(y|ies)|delivery compan(y|ies)|parcel services?)\b|\bis (delivery|"
            r"shipping) free\b|\bhow (fast|quick|quickly)\b[^.?!]{0,20}\b(shipping|delivery|ship|deliver|arrive)\b|"
            r"\bhow soon (would|will|can|could|do) (i|we)\b[^.?!]{0,10}\b(get|receive)\b|\bcost (to|of) (ship|shipping|"
            r"deliver|delivery|send)\b|\b(information|info|details|tell me|know|learn|ask|question) (about|on|"
            r"regarding) (the |your )?(shipping|delivery)\b|\b(arrive|get here|be delivered|receive it|"
            r"get it)\b[^.?!]{0,40}\bif (i|we) (buy|order|purchase)\b|\bif (i|we) (buy|order|"
            r"purchase)\b[^.?!]{0,40}\b(arrive|get here|be delivered|receive it|get it)\b"
        ),
        # not the window to return what arrived ("How many days do I have from when they arrive?")
        unless_in_sentence=r"\bhow (many days|long|much time) do (i|we) have\b",
        matches=("Do you do home delivery?", "Which couriers do you use?", "How quickly do you deliver?"),
        never=("Can I exchange them? How many days do I have from when they arrive?",),
    ),
    # A request for information whose only subject is shipping ("I'd like to know about delivery", "help me see
    # shipping info"): a shipping question, unless anything hints at an order that exists, a problem, a change
    # or another topic.
    Rule(
        name="shipping.asks_about_shipping_only",
        adds_to="shipping",
        weight=3,
        description="a request for information whose only subject is shipping ('I'd like to know about delivery')",
        pattern=(
            r"\b(what|which|how|can you|could you|would you|(i )?(want|would like|'d like|need|wanna|wish) to (know|"
            r"see|check|learn|find out|ask|read|get info\w*)|tell me|show me|help me( to)? (see|check|know|find|"
            r"understand|with)|where (can|could|do|should) i (see|check|find|read|look|learn)|info\w* (about|on|"
            r"regarding))\b[^.?!]{0,40}\b(shipping|(?<!on )(?<!upon )delivery(?! (man|men|guy|person|driver|boy|girl|"
            r"woman))|deliveries|shipment|shipments|ship|deliver)\b"
        ),
        unless=(
            r"\b(problems?|issues?|late|delay\w*|wrong|change|changing|modify|edit|update|cancel\w*|complain\w*|not|"
            r"never|didn'?t|haven'?t|hasn'?t|wasn'?t|isn'?t|lost|damaged|missing|status|track\w*|where is|address\w*|"
            r"refunds?|returns?|exchanges?|invoices?|fees?|reschedul\w*|arrived|received|sent|shipped|delivered|rude|"
            r"account|subscri\w*|newsletter|password)\b"
        ),
        matches=("I'd like to know about delivery", "help me see shipping info"),
        never=(
            "can you deliver to my address?",
            "Where can I see the delivery status?",
            # paying the one who delivers, or on delivery
            "Just want to ask if I can pay the delivery guy in cash when the parcel arrives?",
            "I'd like to know if you take payment on delivery.",
        ),
    ),
    # a way of shipping and what the customer wants to know about it, in either order: "what are the delivery types",
    # "shipping choices", "delivery services", "which couriers", "postage rates", "options for shipping",
    # "time to ship", "ways to get it delivered"
    Rule(
        name="shipping.ways_and_costs_en",
        adds_to="shipping",
        weight=3,
        description="a way of shipping and what is asked of it, either order ('shipping choices', 'rates for postage')",
        pattern=(
            r"\b" + SHIP_NOUN.pattern + r" (options?|methods?|modes?|choices?|alternatives?|possibilities|services?|"
            r"types?|kinds?|speeds?|times?|timeframes?|time ?frames?|timelines?|estimates?|durations?|costs?|fees?|"
            r"prices?|pricing|rates?|charges?|carriers?|couriers?|compan(y|ies)|providers?|partners?|zones?|areas?|"
            r"coverage|conditions|terms|polic(y|ies))\b|\b(options?|methods?|choices?|ways?|types?|kinds?|modes?|"
            r"costs?|prices?|fees?|charges?|rates?|times?|time ?frames?|timeframes?|periods?|windows?|speed)( (are|"
            r"is) there| do (i|we|you) have| available)? (for|of|to) (the )?(shipping|shipment|delivery|deliveries|"
            r"postage|ship|deliver|send|post|get(ting)? (it|them|orders?|items?|things|clothes) (shipped|delivered|"
            r"sent|posted)|receiv\w*|arriv\w*)\b|\b(lead|transit) times?\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("What is the delivery timeframe?", "hi, what are your shiping optins?", "postage rates?"),
        never=(
            "The delivery time you promised has passed",
            "I selected the wrong shipping option, can I change it?",
        ),
    ),
    # who carries the parcels: "which couriers do you use?", "what courier company do you work with?"
    Rule(
        name="shipping.which_courier_en",
        adds_to="shipping",
        weight=3,
        description="which courier or carrier the shop uses",
        pattern=(
            r"\b(which|what) (couriers?|carriers?|courier compan(y|ies)|shipping compan(y|ies)|delivery compan(y|ies)|"
            r"postal services?|parcel services?|logistics( compan(y|ies))?|delivery services?|shipping services?|"
            r"shipping partners?|delivery partners?|service)\b[^.?!]{0,30}\b(use|using|work|ship|send|deliver|post|"
            r"with)\b|\b(do|does) (you|your (shop|store)) (use|work with|ship with|"
            r"send with)\b[^.?!]{0,20}\b(couriers?|carriers?|post|mail|correo argentino|andreani)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("Which couriers do you use?", "What courier company do you work with?"),
        never=("Which courier did you use? It still hasn't arrived.",),
    ),
    # "do you send to the provinces?", "can you send orders to Tucuman?", "do you post to Tierra del Fuego?", "do
    # you guys deliver to X?": not "can you send it/me/my..." (an order, an invoice)
    Rule(
        name="shipping.do_you_send_en",
        adds_to="shipping",
        weight=3,
        description="whether the shop ships, sends or posts at all ('do you guys deliver to...?'), not 'send me'",
        pattern=(
            r"\b(do|does|can|could|will|would) (you|you guys|y'?all|your (shop|store|company)) (also |even |currently |"
            r"usually )?(ship|deliver|send|post|mail|dispatch)\b(?! (it|them|this|that|these|those|me|us|my|our|her|"
            r"him|the)\b)|"
            # asked indirectly: "I was wondering whether you would be able to send an order to Mendoza"
            r"\b(whether|if) (you|you guys|your (shop|store|company)) (can|could|would|will|are able to)( be able to)? "
            r"(ship|deliver|send|post|mail)\b(?! (it|them|this|that|these|those|me|us|my|our|her|him|the)\b)|"
            r"\b(would|will) you be able to (ship|deliver|send|post|mail)\b(?! (it|them|this|that|these|those|me|us|my|"
            r"our|her|him|the)\b)"
        ),
        unless=(
            EN_NOT_SHIPPING.pattern + r"|\b(invoices?|receipts?|labels?|codes?|links?|emails?|confirmation|details|"
            r"photos?|pictures?|catalog\w*)\b"
        ),
        matches=(
            "Do you ship to Rosario?",
            "do you guys deliver to Ushuaia?",
            "Can you send orders to Tucuman?",
            "I wondered whether you could post a parcel as far as Río Gallegos.",
        ),
        never=(
            "can you deliver to my address?",
            "Hi! Do you ship to Rosario? And what is your exchange policy?",
            "Could you send photos of the dress?",
        ),
    ),
    # what to bring to collect a parcel at a branch or the store: the shipping text says the customer's ID
    Rule(
        name="shipping.what_to_bring_to_collect",
        adds_to="shipping",
        weight=3,
        description="what the customer must bring or show to collect a parcel ('¿qué hay que llevar para retirarlo?')",
        pattern=(
            r"\b(tengo|hay|tendria|necesito|debo|tenes|tiene) (que )?(llevar|presentar|mostrar)\b[^.?!]{0,30}"
            r"\bpara retir\w*|"
            r"\bretir(ar|arlo|arla|o)\b[^.?!]{0,30}\b(que|algo) (tengo que|hay que|necesito|debo) (llevar|"
            r"presentar|mostrar)\b|"
            r"\bwhat (do|does|would|will|should) (i|we|she|he|they|one) (need to |have to )?(bring|show|take)\b"
            r"[^.?!]{0,30}\b(collect|pick)|"
            r"\b(collect|pick (it |them )?up)\b[^.?!]{0,40}\bwhat (do|does|would|should) (i|we|she|he|they|one) (need "
            r"to |have to )?(bring|show)\b|"
            # the question after the branch was named: "can it go to a post office branch? What would she need to
            # bring?"
            r"\b(branch|post office)\b[^?]{0,120}\?\s*(and )?(if so, )?what (do|does|would|will|should) (i|we|she|he|"
            r"they|one) (need to |have to )?(bring|show)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "si el paquete me lo dejan en el correo tengo que llevar algo para retirarlo o con decir mi nombre alcanza",
            "¿Qué hay que presentar para retirar en la sucursal?",
            "What do I need to bring to collect it at the branch?",
            "Is it possible to send an order to a post office branch near her? What would she need to bring?",
        ),
        never=("¿Qué tengo que llevar para cambiarlo en el local?",),
    ),
    # when an order can be collected: the shipping text gives the store's pickup days and hours, whatever else the
    # sentence asks ("can I pay cash if I collect, and what hours can I collect?")
    Rule(
        name="shipping.pickup_hours_en",
        adds_to="shipping",
        weight=3,
        description="the hours, days or cost of collecting an order from the store (not a courier's branch)",
        pattern=(
            r"\b(what|which) (hours?|times?|days?) (can|could|do|should|may) (i|we) (collect|pick (it |them )?up|come "
            r"(and|to) (collect|pick))\b|\b(pick ?-?up|collection) (hours|times|days)\b|"
            r"\bis (the |in-store |store )?(pick ?-?up|collection) (free|free of charge|at no cost|charged)\b|"
            r"\bis (collecting|picking (it |them )?up)( it| them)? (from|at|in) (the|your) (\w+ )?(store|shop) free\b"
        ),
        # a courier's branch has its own hours, which the shipping text does not give
        unless=EN_NOT_SHIPPING.pattern + r"|\b(branch(es)?|andreani|correo|post office|oca)\b",
        matches=(
            "Can I pay cash if I collect from the Palermo shop, and what hours can I collect?",
            "What are the pickup hours?",
            "is the palermo store open on saturdays for picking up online orders? and is pickup free?",
            "Is collecting from the Palermo store free?",
        ),
        never=(
            "What time can I collect? My order is late.",
            "What hours can I collect from the Andreani branch?",
            "Is pickup free at the Andreani branch?",
        ),
    ),
    # picking up at the shop: "click and collect", "is in-store pickup available?", "is there a pick up option?"
    Rule(
        name="shipping.pick_up_at_the_shop_en",
        adds_to="shipping",
        weight=3,
        description="click and collect, in-store pickup, collecting in person",
        pattern=(
            r"\bclick (and|&|n|'n'|n') collect\b|\b(in[- ]store|local|store|shop|showroom|free|curbside|"
            r"kerbside) (pick ?-?up|collection)\b|\b(pick ?-?up|collection) (options?|available|possible|service)\b|"
            r"\b(collect(ing)?|fetch|grab|pick (it|them|things|stuff|everything)? ?up|pickup)\b[^.?!]{0,25}\b(myself|"
            r"in person|(at|from) (the|your) "
            r"(palermo )?(store|shop|showroom|office|warehouse)|(in|at|from) (the )?palermo( store| shop)?)\b|"
            r"\b(can|could|may) (i|we) "
            r"(collect|come (and|to) (get|collect|pick))\b"
        ),
        # paying when one picks up is the payment question ("can I pay cash when I pick up at your store?")
        # (in the next sentence too: "I'd prefer to pay cash. Can I do that if I collect?")
        unless=EN_NOT_SHIPPING.pattern + r"|\bpay(ing)?\b[^?!]{0,60}\b(when|at|in|if|once) (i |we )?(pick|collect)",
        # nor the customer's own plan told beside a hold, asking nothing ("keep it till Friday? I'd come pick it up
        # myself")
        unless_in_sentence=(
            PICKUP_THEN_PAY_EN.pattern
            + r"|^(?![^?]*\?)[^?]*\b(i'?d|i would|i will|i'?ll|happy to) (come )?(and )?(pick|"
            r"collect|fetch|grab)"
        ),
        matches=(
            "Do you do click and collect?",
            "Is in-store pickup available?",
            "Can I fetch it at your Palermo shop?",
            "Can I collect from your shop instead of having it delivered?",
            "I would rather pick things up in person than wait for shipping.",
            "If I buy online and pick it up in Palermo, is there any charge?",
            "Is collecting from the store free?",
        ),
        never=(
            "Can I collect it myself instead?",
            "Can I pay cash when I pick up at your store?",
            "if I pick up at the Palermo store can I pay cash there?",
            "I'd prefer to pay cash if possible, can I do that if I collect from the Palermo shop?",
        ),
    ),
    # what shipping costs: "do you charge for delivery?", "do I have to pay for shipping?", "is delivery included in
    # the price?", "how much is postage?", "what's the postage to Mendoza?", "are there delivery fees?"
    Rule(
        name="shipping.what_shipping_costs_en",
        adds_to="shipping",
        weight=3,
        description="whether shipping is charged, included or free, how much postage is, in English",
        pattern=(
            r"\b(do|will|would) (you|u) charge\b[^.?!]{0,20}\b" + SHIP_NOUN.pattern + r"\b|"
            r"\bwhat do you charge (for )?" + SHIP_NOUN.pattern + r"\b|\b(do|would|will) (i|we) (have to |need to |"
            r"must )?pay (for |extra for |the )?" + SHIP_NOUN.pattern + r"\b|\b(is|"
            r"are) (the )?" + SHIP_NOUN.pattern + r"( costs?| fees?| charges?)? (included|extra|additional|charged|"
            r"free|paid|separate|on top)\b|\bhow much (is|are|for|does) (the )?(postage|p ?& ?p|shipping and handling|"
            r"s ?& ?h)\b|\b(is|are) there (any )?"
            + SHIP_NOUN.pattern
            + r" (costs?|fees?|charges?)\b|\bwhat('?s| is| are) the (postage|shipping|delivery)( to| for)?\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("How much is postage?", "Do I have to pay for shipping?", "is delivery included in the price?"),
        never=("Is shipping free for both? I already have an order.",),
    ),
    # "how much would it cost to have a jacket delivered to Bariloche?"
    Rule(
        name="shipping.cost_to_have_it_delivered_en",
        adds_to="shipping",
        weight=3,
        description="'how much would it cost to have a jacket delivered?', 'how much is it to ship?'",
        pattern=(
            r"\b(cost|costs|charge|price)\b[^.?!]{0,15}\bto (have|get) (it|them|things|items?|clothes|an? order|"
            r"orders?|an? \w+|the \w+|my \w+) (delivered|shipped|sent|posted)\b|\bhow much (would|will|does|"
            r"is) it (cost|be) to (ship|deliver|send|post)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "How much does it cost to ship to Córdoba?",
            "How much would it cost to have a jacket delivered to Bariloche?",
        ),
        never=("How much does it cost to send it back for a refund?",),
    ),
    # "how are orders shipped?", "how will items be delivered?"
    Rule(
        name="shipping.how_are_orders_shipped_en",
        adds_to="shipping",
        weight=3,
        description="'how are orders shipped?', 'how will items be delivered?'",
        pattern=(
            r"\bhow (are|do|will|would|is|does) (the )?(orders?|items?|parcels?|purchases?|products?|clothes|goods|"
            r"things|stuff) (get |be |being |usually |normally )?(shipped|delivered|sent|posted|dispatched)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("How are orders shipped?", "How will items be delivered?"),
        never=("How are returns shipped?",),
    ),
    # "can I get it delivered to my home?"
    Rule(
        name="shipping.delivered_to_my_home_en",
        adds_to="shipping",
        weight=3,
        description="'can I get it delivered to my home / office?'",
        pattern=(
            r"\b(get|have) (it|them|things|items?|clothes|orders?) (delivered|shipped|sent) (to|at) (my |your |the |"
            r"a )?(home|house|door|doorstep|place|office|work|workplace|apartment|flat)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("Can I get it delivered to my home?", "Can I have items shipped to my office?"),
        never=("Can I get it delivered to my home instead?",),
    ),
    # how long until it comes: "how long till it gets here?", "how long for delivery?", "how long is shipping?"
    Rule(
        name="shipping.how_long_until_it_comes_en",
        adds_to="shipping",
        weight=3,
        description="'how long till it gets here?', 'how long for delivery?', 'how long is shipping?'",
        pattern=(
            r"\bhow long (until|before|till|for|is|are)\b[^.?!]{0,30}\b(arrive|arrives|gets? here|comes?|get it|"
            r"get them|receive|delivered|ships?|shipped|shipping|delivery|deliveries|postage)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("how long till it gets here?", "How long is shipping?"),
        never=("How long is delivery taking these days? Mine is late",),
    ),
    # an order not placed yet: "when would it arrive if I bought it today?", "if I place an order now, when will I
    # get it?"
    Rule(
        name="shipping.if_i_buy_when_does_it_arrive_en",
        adds_to="shipping",
        weight=3,
        description="when an order not placed yet would arrive ('if I order today, when would it arrive?')",
        pattern=(
            r"\b(arrive|get here|be delivered|receive|get (it|them|the \w+)|have it|ship)\b[^.?!]{0,40}\bif (i|"
            r"we) (buy|order|purchase|bought|ordered|purchased|place (an|the) order|were to (buy|order))\b|\bif (i|"
            r"we) (buy|order|purchase|bought|ordered|purchased|place (an|the) order|were to (buy|"
            r"order))\b[^.?!]{0,40}\b(arrive|get here|be delivered|receive|get (it|them)|have it|ship)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("If I order today, when would it arrive?", "When would it arrive if I bought it today?"),
        never=("If I order today, will it arrive before the one that's late?",),
    ),
    # a purchase the customer intends: "I want to order 2 shirts, when would they arrive?"
    Rule(
        name="shipping.intended_purchase_arrival_en",
        adds_to="shipping",
        weight=3,
        description="when a purchase the customer intends would arrive ('I want to order 2 shirts, when would...')",
        pattern=(
            r"\b(want|going|plann?ing|thinking (of|about)|like|intend\w*|about) (to )?(order|buy|"
            r"purchase)\w*\b[^.?!]{0,60}\b(arrive|get here|be delivered|receive (it|them)|get (it|them)|"
            r"take to (arrive|get))\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("I want to order 2 shirts, when would they arrive?", "I'm planning to buy a coat, how long to get it"),
        never=("I want to order again, when would it arrive? The last one was late.",),
    ),
    # when orders leave the shop: "when do you ship orders?", "how fast do you dispatch?", "dispatch time"
    Rule(
        name="shipping.when_do_you_dispatch_en",
        adds_to="shipping",
        weight=3,
        description="when the shop sends orders out ('when do you ship orders?', 'dispatch time')",
        pattern=(
            r"\b(when|how (soon|fast|quickly|long)) (do|does|will|would) (you|orders?|items?) (usually |normally |"
            r"typically )?(dispatch|ship|send|post)\b(?! (me|us|it|them|this|that|my|our|the|an?)\b)|"
            r"\bdispatch (times?|time ?frames?|periods?)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("How soon do you dispatch orders?", "What's your dispatch time?"),
        never=("When do you ship? I ordered a week ago.",),
    ),
    # "do you offer standard delivery?", "is there economy shipping?"
    Rule(
        name="shipping.standard_delivery_offered_en",
        adds_to="shipping",
        weight=3,
        description="whether the shop offers standard, economy, free or home delivery",
        pattern=(
            r"\b(offer|have|do|is there|are there)( an?| any)? (standard|regular|normal|economy|ground|cheap|cheaper|"
            r"cheapest|free|home|local) (delivery|shipping|postage)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("Do you offer standard delivery?", "is there economy shipping?"),
        never=("Is there free shipping on returns?",),
    ),
    # the question after the topic: "delivery to Tucuman, how many days?", "shipping to Mendoza - how much?"
    Rule(
        name="shipping.topic_then_question_en",
        adds_to="shipping",
        weight=3,
        description="the shipping topic first, the question after ('delivery to Tucuman, how many days?')",
        pattern=(
            r"\b(shipping|delivery|shipment|postage)\b[^.?!]{0,40}\bhow (many (business |working )?days|long|"
            r"much|fast|soon)\b" + NOT_MONEY.pattern
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("delivery to Tucuman, how many days?", "shipping to Mendoza - how much?"),
        never=("shipping to Mendoza - how much? and what about returns?",),
    ),
    # "I'm curious about shipping", "I have a question regarding delivery", "enquiring about postage"
    Rule(
        name="shipping.curious_about_shipping_en",
        adds_to="shipping",
        weight=3,
        description="'I'm curious about shipping', 'a question regarding delivery'",
        pattern=(
            r"\b(curious|wondering|interested|inquir\w*|enquir\w*|questions?|asking)\b[^.?!]{0,20}\b(about|on|"
            r"regarding|re|concerning) (the |your |ur )?" + SHIP_NOUN.pattern + r"\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("I'm curious about shipping", "I have a question regarding delivery"),
        never=("I have a question about the delivery, it never arrived",),
    ),
    # receiving, not only arriving: "how soon I'll get the item?", "how long until I receive it?", "how long do I
    # have to wait to receive the clothes?", "how can I receive the products?"
    Rule(
        name="shipping.how_long_to_receive_en",
        adds_to="shipping",
        weight=3,
        description="how long until the customer receives things, or how they can receive them",
        pattern=(
            r"\bhow (long|soon|many days)\b" + NOT_MONEY.pattern + r"[^.?!]{0,40}\b(receive|receiving|get (it|them|"
            r"the (items?|products?|clothes|order|purchase|things))|wait(ing)? (to receive|for (delivery|shipping|"
            r"it to (arrive|come)|them to (arrive|come))))\b|\bhow (can|do|will|would|could) (i|we) receive (the |"
            r"an? )?(orders?|items?|products?|clothes|purchases?|packages?|parcels?|things|it|them)\b"
        ),
        unless=(
            EN_NOT_SHIPPING.pattern + r"|\b(discounts?|codes?|coupons?|vouchers?|emails?|notifications?|"
            r"newsletters?|points?|gifts?|samples?|catalog\w*)\b"
        ),
        matches=("how long until I receive it?", "How can I receive the products?"),
        never=("How long until I receive the discount code?",),
    ),
    # "how do you send the clothes?"
    Rule(
        name="shipping.how_do_you_send_en",
        adds_to="shipping",
        weight=3,
        description="'how do you send the clothes?'",
        pattern=r"\bhow (do|will|would|does) (you|your (shop|store)) (send|post|mail|dispatch)\b",
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("How do you send the clothes?",),
        never=("How do you send the replacement?",),
    ),
    # where the shop delivers, asked with a place (delivery zones): "is it possible to deliver to Sydney", "can I
    # get an item delivered to Rome", "delivery to Berlin", "do you make deliveries to Vienna?", "can I receive
    # orders in Stockholm?". Never a place that is the customer's own or a change ("deliver to my address", "ship
    # to a different address": order_change), nor an email or an invoice.
    Rule(
        name="shipping.delivery_zone_en",
        adds_to="shipping",
        weight=3,
        description="where the shop delivers, asked with a place ('delivery to Berlin', 'can I receive orders in...')",
        pattern=(
            r"\b(ship|deliver|send|sent|post|dispatch|mail)\w{0,4} ((items?|orders?|products?|articles?|things|stuff|"
            r"clothes|clothing|goods|parcels?|packages?|purchases?|an? (item|order|product|article|parcel|package|"
            r"purchase)) )?(to|in|into|within|inside|across|throughout|over to)\b"
            + NOT_MY_PLACE.pattern
            + r"|\b(deliver(y|ies)|shipping|shipments?|postage) (to|in|into|within|across|throughout)\b"
            + NOT_MY_PLACE.pattern
            + r"|\b(receive|get|have)\b (an? |the |my )?(items?|orders?|products?|articles?|parcels?|"
            r"packages?|purchases?|things|stuff|clothes|goods) (in|at)\b"
            + NOT_MY_PLACE.pattern
            + r"(?! (size|colou?r|stock|black|white|blue|red|gr[ae]y|green|pink|beige|navy|\d|an? |one|two|three|"
            r"time|days?|weeks?|hours?|store|the (store|shop))\b)"
        ),
        unless=(
            EN_NOT_SHIPPING.pattern
            + r"|\b(emails?|e-mails?|invoices?|receipts?|codes?|links?|messages?|confirmations?|passwords?|"
            r"newsletters?|notifications?|photos?|pictures?|documents?|details|info(rmation)?)\b|" + AN_ADDRESS.pattern
        ),
        matches=("delivery to Berlin", "Do you ship to Canada?", "can I receive orders in Stockholm?"),
        never=(
            "Delivery to Neuquen took 12 days, is that normal?",
            "Deliver to Av. Santa Fe 1234 please, not to Honduras 4800.",
            "ship to my address please",
        ),
    ),
    # a zone asked without a delivery word: "can I order from Toronto?", "do you operate in Canada?", "is your
    # store available in Madrid?", "do you sell to Germany?". Not how, what or when one buys ("order in black",
    # "buy in instalments", "order from the website", "available in size M").
    Rule(
        name="shipping.zone_without_a_delivery_word_en",
        adds_to="shipping",
        weight=3,
        description="a zone asked without a delivery word ('can I order from Toronto?', 'do you operate in Canada?')",
        pattern=(
            r"\b(?<!\ban )(?<!\ba )(?<!\bthe )(?<!\byour )(?<!\bmy )(?<!\bphysical )(order|buy|purchase)(s|ed|"
            r"ing)? (from|in|to)"
            + NOT_MY_PLACE.pattern
            + r" "
            + NOT_A_PLACE.pattern
            + r"|\b(operate|operating|available|sell|selling|ship|shipping)s? (in|to)"
            + NOT_MY_PLACE.pattern
            + r" "
            + NOT_A_PLACE.pattern
        ),
        unless=(
            EN_NOT_SHIPPING.pattern + r"|\b(emails?|codes?|coupons?|vouchers?|discounts?|gift ?cards?|links?|apps?|"
            r"website|site|payments?|cards?|paypal|wholesale|resell\w*|retail\w*|if (i'?m|i am|you'?re|you are))\b|"
            + AN_ADDRESS.pattern
        ),
        matches=("can I order from Toronto?", "do you operate in Canada?", "do you sell to Germany?"),
        never=("Can I order in black?", "can I buy in instalments?", "Can I order from the website with PayPal?"),
    ),
    # how long things take, asked of things in general: "when do items usually arrive", "within how many days is an
    # article delivered", "how much time does it take to receive an item", "time it takes to deliver", "how quickly
    # are items delivered" (never "my" or "the" item: that is an order's status)
    Rule(
        name="shipping.how_long_things_take_en",
        adds_to="shipping",
        weight=3,
        description="how long items in general take to arrive ('when do items usually arrive?'), never 'my item'",
        pattern=(
            r"\b(how (long|much time|many days|soon|quickly|fast)|(in|within) how many days|"
            r"when)\b[^.?!]{0,30}\b(?<!\bthe )(?<!\bmy )(?<!\bour )(?<!\byour )(?<!\bthese )(?<!\bthose )(an? (item|"
            r"article|product|purchase|order|parcel|package|piece)|items|articles|products|purchases|orders|parcels|"
            r"packages|things|clothes|deliveries|shipments|goods)\b[^.?!]{0,20}\b(usually |normally |typically |"
            r"generally )?(arrive|arrives|delivered|shipped|be delivered|reach|reaches|come|comes|get here|gets here|"
            r"take|takes)\b|\bhow (long|much time|many days)\b (does it take |it takes |would it take |do (i|we) need |"
            r"is needed )?to (receive|get|deliver|ship|be delivered)\b (an? (item|article|product|purchase|order|"
            r"parcel|package)|items|articles|products|purchases|orders|parcels|packages|things|clothes|goods)?"
            + NOT_MONEY.pattern
            + r"|\btime it takes to (deliver|ship|arrive|receive|get)\b"
            + NOT_MONEY.pattern
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("when do items usually arrive", "how much time does it take to receive an item"),
        never=("When do items usually arrive? Mine took 2 weeks last time.", "When will my items arrive?"),
    ),
    # "is home delivery available?", "do you offer pick up?"
    Rule(
        name="shipping.delivery_or_pickup_available_en",
        adds_to="shipping",
        weight=3,
        description="'is home delivery available?', 'do you offer pick up?'",
        pattern=(
            r"\bis (home |local |door[- ]to[- ]door |standard )?(delivery|shipping|pick ?-?up|collection) (available|"
            r"possible|an option|offered)\b|\b(offer|have|do) (in[- ]store |store |local )?(pick ?-?up|collection)\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("is home delivery available?", "Do you offer pick up?"),
        never=("Is pickup available instead? Mine is late.",),
    ),
    # when things arrive, asked in general ("I want to know the ETA", "what is the arrival time of products?", "how
    # soon can I expect an item?", "when can I expect to receive the items?"): no "my", which is an order's status
    Rule(
        name="shipping.eta_in_general_en",
        adds_to="shipping",
        weight=3,
        description="the ETA or arrival time asked in general ('how soon can I expect an item?')",
        pattern=(
            r"\b(eta|etas|estimated (time of )?(arrival|delivery)|expected (delivery|arrival)|arrival (times?|"
            r"periods?)|delivery (dates?|estimates?|eta))\b|\bhow (soon|quickly|fast) (can|could|will|would|do|"
            r"does) (i|we|you|one|customers?|an? \w+|items?|products?|orders?|articles?|purchases?|things|clothes|it|"
            r"they)\b[^.?!]{0,25}\b(expect|receive|get|arrive|come|be delivered|reach|deliver|ship)\w*\b|\bwhen (can|"
            r"could|will|would|do|should) (i|we|one|customers?) (expect|receive|get)\b(?= (an? )?(items?|orders?|"
            r"products?|articles?|parcels?|packages?|purchases?|deliver(y|ies)|shipments?|things|stuff|clothes|"
            r"goods)\b| ?\?| ?$| if\b)"
        ),
        unless=(
            EN_NOT_SHIPPING.pattern + r"|\b(repl\w*|answer\w*|respon\w*|hear back|get back|new arrivals?|restock\w*|"
            r"choose|pick|select|was|were|passed|getting)\b"
        ),
        matches=("I want to know the ETA", "how soon can I expect an item?"),
        never=(
            "Can I choose a delivery date?",
            "The estimated delivery was Monday.",
            "How soon can I expect a reply to my email?",
        ),
    ),
    Rule(
        name="shipping.courier_word",
        adds_to="shipping",
        weight=1,
        description="the word courier, carrier, postage or dispatch: a bare hint",
        pattern=r"\b(postage|courier|couriers|carrier|carriers|dispatch)\b",
        unless=RETURN_POSTAGE.pattern,
        matches=("How much is postage?",),
        never=(
            "If I send something back, who pays the postage?",
            "How long do I have to send something back, and would I have to pay for the postage?",
        ),
    ),
    # what shipping costs: "is standard shipping free?", "a flat rate for shipping", "is shipping calculated by
    # weight?"
    Rule(
        name="shipping.free_or_flat_rate_en",
        adds_to="shipping",
        weight=3,
        description="whether shipping is free or included, a flat rate, how it is calculated",
        pattern=(
            r"\b(is|are) (the )?(standard |regular |home |normal )?(shipping|delivery|postage) (free|included|"
            r"calculated|charged|extra|expensive|cheap|costly)\b|\b(flat|fixed|set|standard) (rate|fee|price|cost|"
            r"charge)s?\b[^.?!]{0,20}\b(shipping|delivery|postage)\b|\b(shipping|delivery|postage) (is |gets |"
            r"are )?(calculated|charged|priced|worked out|based)\b|"
            # asked in a second language's word order: "the shipping is free or I must pay?"
            r"\bthe (shipping|delivery|postage|envio) (is|are) (free|included|charged|extra)\b[^.?!]{0,30}\?"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "is home delivery free?",
            "how is shipping calculated?",
            "is there a fixed fee for delivery",
            "Hello, please, the shipping is free or I must pay?",
        ),
        never=("Is shipping free for both? I already have an order.",),
    ),
    # Whether delivery to a place named is free: a parcel going to the customer, even when a return is asked of in
    # another sentence ("1. Is delivery to Rosario free? 2. If it doesn't fit, can I send it back?").
    Rule(
        name="shipping.free_delivery_to_a_place_en",
        adds_to="shipping",
        weight=3,
        description="whether shipping to a place named is free or charged, in English",
        pattern=(
            r"\b(is|are) (the )?(shipping|delivery|postage) to (?!(you|your|the (shop|store))\b)[^.?!,]{1,30}? (free|"
            r"included|extra|charged)\b"
        ),
        unless=EN_NOT_POLICY.pattern,
        unless_in_sentence=(
            r"\b(returns?|returning|refunds?|exchang\w*|swap\w*|back|(new|another|other|different|bigger|smaller|second|"
            r"third|next) size)\b"
        ),
        matches=(
            "Is delivery to Mar del Plata free, or is it charged?",
            "1. Is shipping to Neuquén free? 2. If the jeans don't fit, can I send them back for another size?",
        ),
        never=(
            "Is shipping for returns free?",
            "Is the delivery for my exchange charged? I already sent it back.",
            "Is delivery to me of the bigger size free if I swap it?",
        ),
    ),
    # how long until things reach the customer, and how long the shop takes to send them: "how long until an item
    # gets to me after I buy it?", "what is the processing time before things get shipped?"
    Rule(
        name="shipping.handling_time_en",
        adds_to="shipping",
        weight=3,
        description="how long until things get to the customer, or the shop's handling or processing time",
        pattern=(
            r"\bhow (long|many days|much time)\b[^.?!]{0,40}\b(gets?|comes?|go|goes) to (me|you|the customer|customers|"
            r"your (door|home|house))\b|\b(handling|dispatch|packing|processing) (times?|periods?|days?)\b(?! (for|of|"
            r"on) (?!(orders?|shipping|deliver(y|ies)|shipments?|parcels?|packages?)\b))"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("what's your handling time?", "how many days until a parcel comes to me once I pay?"),
        never=("What's the processing time for refunds?",),
    ),
    # nobody at home when a delivery comes: "¿qué pasa si no estoy cuando pasa el correo?", "what happens if nobody
    # is home when the parcel arrives?"
    Rule(
        name="shipping.nobody_at_home",
        adds_to="shipping",
        weight=3,
        description="what happens to a delivery when nobody is at home to receive it",
        pattern=NOBODY_AT_HOME.pattern,
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "If I'm not home when the parcel arrives, what happens?",
            "What happens if nobody is home to receive the delivery?",
            "¿Qué pasa si no hay nadie en mi casa cuando llega el envío?",
            "Si no estoy cuando pasa el correo, ¿qué hago?",
        ),
        never=(
            "I'm not home until Friday, can the order wait?",
            "Nobody was home when my parcel came and now it's gone back.",
            "No estoy en casa hasta el viernes.",
        ),
    ),
    # delivery to a branch instead of home: "is it possible to send the package to a post office and not to my
    # apartment?", "can I get it delivered to a courier branch instead of my house?"
    Rule(
        name="shipping.to_a_branch_en",
        adds_to="shipping",
        weight=3,
        description="whether things can be sent to a post office or a courier's branch instead of home",
        pattern=(
            r"\b(send|sent|deliver|delivered|ship|shipped|post|posted|mail|mailed)\b[^.?!]{0,40}\bto (a|an|the|your|"
            r"some|any) (nearby |local |nearest )?(post office|courier|andreani|correo( argentino)?|branch|pick ?-?up "
            r"(point|location|spot)|collection point|depot)s?\b"
        ),
        unless=EN_NOT_SHIPPING_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "I would like to know if it is possible to send the package to a post office and not to my apartment",
            "Is it possible to get it delivered to a courier branch instead of my house?",
            "Can you ship to an Andreani branch?",
        ),
        never=(
            "Can you send my refund to the branch?",
            "I sent it back to the post office yesterday.",
        ),
    ),
)
