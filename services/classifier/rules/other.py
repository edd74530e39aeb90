"""Questions the FAQ does not answer and that are no order's business: wholesale, opening hours, coupons, invoices,
jobs, the shop's address, the customer's account, taxes. The LLM answers them with the shop's facts.

"other" comes before the policy topics in the precedence, so a policy word next to one of these ("how do I contact
customer service about shipping?") gets no canned text.
"""

from __future__ import annotations

from .base import Rule
from .fragments import SALE_EVENT, TRANSFER_DISCOUNT

# Two neighbouring sentences, the first naming `a` and the second `b`.
_NEXT_SENTENCE = r"\b({a})\b[^.?!]{{0,80}}[.?!]+\s*[^.?!]{{0,80}}\b({b})"
_TRANSFER = r"transferencia|transfer|efectivo|cash"
# a discount qualified otherwise ("descuento para estudiantes", "descuento si llevo tres") is another discount
_DISCOUNT = (
    r"(descuentos?|discounts?)(?!\s+(para|por|de|del|si|en|con|a|for|if|on|with|when)\b(?!\s+(la |el |una |a )?"
    r"(transfer\w*|efectivo|cash|pag\w*|pay\w*|bank)))"
)

# An invoice asked for ("¿me mandan la factura?", "necesito factura"), whatever it is for
_INVOICE_ASKED = r"\b(mand|envi|ped|necesit|emit|hac|pas)\w* (me |nos )?(la |una |el )?factura\b"

RULES: tuple[Rule, ...] = (
    Rule(
        name="other.shop_matters",
        adds_to="other",
        weight=2,
        description="wholesale, coupons and gift cards, invoices, jobs, the shop's address or phone",
        pattern=(
            r"\b(por mayor|mayorista\w*|mayoreo|wholesale|reseller|revendedor\w*|revender|somos una empresa|para (una|"
            # a company's order, not a corporate card it pays with
            r"mi|la|nuestra) empresa|corporat\w*(?! (credit |debit )?cards?)|con (el |nuestro )?logo|uniformes?|"
            r"por cantidad|invoice|(reply|answer|write|message|contact)( to)? (me|us) (in|on|via|por|en) instagram|"
            r"with (our|the|a|my) logo)\b|"
            r"\b(cupon|codigo de descuento|promo code|discount code|coupon|gift ?card|tarjeta de regalo|"
            r"gift card)\b|\b(factura a|factura b|cuit|invoice)\b|\b(busqueda laboral|curriculum|cv|colaboracion|"
            r"canje|influencer)\b|"
            # a job sought at the shop, not the customer's own work ("trabajo cerca de Palermo", "got a job in Córdoba")
            r"\b(busco|estoy buscando|ofrecen|hay|tienen|oportunidad(es)? de|puestos? de|ofertas? de|solicitud de) "
            r"(trabajo|empleo)\b|\bjobs? for\b|\bhiring\b|"
            r"\btrabajar (con|para|en) (ustedes|la marca|el local|su (local|tienda|empresa))\b|\b(any|"
            r"looking for (a )?|apply(ing)? for (a )?)jobs?\b|\bjobs? (openings?|offers?|applications?|vacanc\w*)\b|"
            r"\b(direccion del local|donde queda el local|where is (your|the) (store|shop)|local a la calle|"
            # whether there is a store at all, not its stock ("is the stock at your physical shop different?")
            r"(have|is there|any) (a |an )?(physical|brick and mortar|bricks and mortar) (store|shop)s?|"
            r"(tienen|hay|existe) (un |una )?(local|tienda) fisic[oa])\b|"
            # the shop's phone or social accounts asked for, not where the customer saw something ("vi en Instagram");
            # the word comes first and what stood before it after: a lookbehind that starts a pattern runs everywhere
            r"\bwhatsapp\b|\btelefono\b(?<!\ben el telefono)(?<!\ben su telefono)(?<!\ben mi telefono)|"
            r"\binstagram\b(?<!\bvi en instagram)(?<!\bsaw on instagram)(?<!\bseen on instagram)"
            r"(?<!\bsaw it on instagram)(?<!\ben instagram)(?<!\bon instagram)(?<!\bin instagram)(?<!\bfrom instagram)"
            r"(?<!\bin your instagram)"
        ),
        matches=(
            "Venden por mayor?",
            "Tienen algún código de descuento?",
            "please send the invoice to my new email",
            "¿Están buscando empleados? Les dejo mi CV",
            "Hola, ¿hay trabajo en el local?",
            "Do you have any job openings?",
            "¿Tienen Instagram?",
            "Do you have a physical store? And do you accept Mercado Pago?",
            "¿Tienen local físico? ¿Aceptan transferencia?",
            "¿Tienen trabajo para mí? ¿Hacen envíos a Salta?",
            "Les dejo mi teléfono para que me llamen",
        ),
        never=(
            "Our finance department prefers a bank transfer to the corporate card. Is that possible?",
            "Is the stock at your physical shop different from the website's?",
            "Trabajo cerca de Palermo, ¿puedo retirar en el local?",
            "My husband got a job in Rosario, do you ship there?",
            "Mi hija está buscando trabajo, quiere ropa formal: ¿qué talles tienen?",
            "Mi vecina me mostró sus vestidos en el teléfono, ¿hacen envíos a Chaco?",
            "Una amiga me mostró en su teléfono unas camperas, ¿hacen envíos a Tandil?",
            "I just discovered your shop from Instagram! Do you ship to Rosario?",
            "Vi en Instagram la campera nueva, ¿hacen envíos a Salta?",
        ),
    ),
    # An invoice asked for, not one missing or lost for an exchange, told in the exchange's sentence or before it ("no
    # tengo la factura, ¿lo puedo cambiar?", "si cambio en el local, ¿tengo que llevar la factura?")
    Rule(
        name="other.invoice_es",
        adds_to="other",
        weight=2,
        description="an invoice (factura) asked for or spoken of, not as what an exchange needs",
        pattern=(
            r"\bfactura\b(?<!no tengo la factura)(?![^?]{0,80}\b(cambi|devol)\w*)|"
            # asked for, whatever it is for: "¿me mandan la factura así puedo cambiar la campera?"
            + _INVOICE_ASKED
        ),
        unless_in_sentence=r"^(?![\s\S]*" + _INVOICE_ASKED + r")[\s\S]*\b(cambi|devol)\w*",
        matches=(
            "¿Me mandan la factura del pedido?",
            "No tengo factura. ¿Cómo hago para pedirla?",
            "¿Puedo pagar con transferencia sin factura así me sale más barato?",
            "¿Me mandan la factura así puedo cambiar la campera en el local?",
        ),
        never=(
            "Me regalaron un buzo y no tengo la factura. ¿Lo puedo cambiar igual?",
            "si cambio en el local, ¿tengo que llevar la factura o alcanza con el número de pedido?",
        ),
    ),
    # the shop's opening hours are another matter, except when asked to collect an order there: the shipping text
    # gives the hours of pick-up at the store
    Rule(
        name="other.opening_hours",
        adds_to="other",
        weight=2,
        description="the shop's opening hours, unless asked about collecting an order",
        pattern=(
            r"\b(horario|horarios|a que hora|abren|cierran|opening hours|open on|(store|shop|business) hours|"
            r"what time)\b"
        ),
        unless=(
            r"\b(retir\w*|recog\w*|pick ?up|pick (it|them|things|stuff|everything|my \w+) up|collect\w*|pasar a "
            r"buscar(lo|la)?)\b"
        ),
        matches=("¿A qué hora abren el sábado?", "What are your opening hours?"),
        never=(
            "¿Puedo pasar a retirar por el local? ¿En qué horario?",
            "Can I pick it up, and what time are you open?",
            "I'd rather pick things up in person. What are your opening hours?",
        ),
    ),
    # a discount code is another matter than the discount for paying by transfer, which the FAQ states
    Rule(
        name="other.discount",
        adds_to="other",
        weight=2,
        description="a discount that is not the one for paying by transfer or cash (a code, a promotion)",
        pattern=(
            r"\b(descuentos?|cupon(es)?|promo codes?|coupons?|voucher codes?|discount (codes?|coupons?|vouchers?)|"
            r"(student|senior|first[- ]order|first[- ]time|newsletter|birthday|loyalty|welcome|teacher|military|bulk|"
            r"wholesale|volume) discounts?|discounts? (for|to) (students|seniors|new customers|first|teachers|bulk))\b"
        ),
        # the discount in the sentence next to a transfer or cash is the one the payment text states
        unless=TRANSFER_DISCOUNT.pattern
        + "|"
        + _NEXT_SENTENCE.format(a=_TRANSFER, b=_DISCOUNT)
        + "|"
        + _NEXT_SENTENCE.format(a=_DISCOUNT, b=_TRANSFER),
        matches=(
            "Tienen algún código de descuento?",
            "¿Hay descuentos para estudiantes?",
            "¿Puedo pagar con transferencia? ¿Y tienen descuento para estudiantes?",
            "Do you take Visa? And is there a discount code for first orders?",
            "Hi! do you ship to Ushuaia and do you have a student discount?",
        ),
        never=(
            "¿Había un descuento por transferencia?",
            "¿Qué descuento tiene pagar en efectivo?",
            "Hola, ¿hay descuento pagando por transferencia?",
            "¿Puedo pagar por transferencia? Me dijeron que hay descuento.",
            "Vi que hay un descuento. ¿Es pagando en efectivo?",
            "Is there a discount if I pay by bank transfer?",
            "I see some good discounts going on in the sale section. Are sale items returnable?",
        ),
    ),
    # how to reach the shop's people, and the customer's account, settings or profile: "how do I contact customer
    # service about shipping?" or "where do I add my delivery options in my profile?" get no canned shipping text
    Rule(
        name="other.contact_or_account",
        adds_to="other",
        weight=2,
        description="how to reach customer service, or the customer's account, profile, settings or password",
        pattern=(
            r"\b(contact|reach|get in touch with|talk to|speak (to|with)|email|e-mail|write to|call|"
            r"phone)\w*\b[^.?!]{0,20}\b(customer (service|support|care)|support( team)?|your team|the team|your staff|"
            r"someone|somebody)\b|\b(my|your|an|the) (profile|settings|preferences|password|login)\b|"
            # a wallet's or a bank's account is a way to pay, not the customer's account with the shop ("a transfer
            # from my account at Banco Nación", "money in the account")
            r"(?<!\bfrom )(?<!\bmoney in )(?<!\bbalance in )\b(my|your|an|the) account\b(?! (details|number|info))"
            r"(?! (at|with|in) (the |a |my |our )?(\w+ )?(bank|banco)\b)(?![^.?!]{0,40}\b(balance|money|saldo|funds)\b)"
        ),
        matches=(
            "How do I add a shipping address to my account?",
            "How do I contact customer service about shipping?",
            "Which payment methods can I save in my account?",
        ),
        never=(
            "I have a Mercado Pago account, can I pay with it?",
            "Where do I find the account details for a bank transfer?",
            "I opened an account with some money on it, do you take Mercado Pago?",
            "Would it be possible to pay by bank transfer from my account at Banco Nación?",
            "Can we use Mercado Pago with money in the account, not a card?",
            "I have a debit card from my account at the local bank. Which ways to pay do you take?",
        ),
    ),
    # the customer's own details, subscriptions or a review, asked to be changed or made beside a policy question
    # ("I'd like to update my address. How long does shipping take to Salta?"): a person or the LLM does it
    Rule(
        name="other.my_details_or_a_review",
        adds_to="other",
        weight=2,
        description="update or change the customer's email, address or phone; the newsletter; leaving a review",
        pattern=(
            r"\b(update|change|correct|fix|edit)\w* (my|our|the) (e-?mail|email address|address|phone( number)?|"
            r"details|contact details|name)\b|\b(add|subscribe|sign)\w* (me|us) (up )?(to|for|on) (your |the )?"
            r"(newsletter|mailing list|list)\b|\b(unsubscribe|remove me|take me off)\b|\b(leave|write|post|give) "
            r"(you )?(a |my )?(review|rating)\b|"
            r"\b(cambiar|actualizar|corregir|modificar) (mi|el|la|los) (mail|e-?mail|correo|direccion|domicilio|"
            r"telefono|celular|datos|nombre)\b|\b(suscribirme|anotarme|darme de baja|sacarme|borrarme) (a|de|en) "
            r"(la |su )?(newsletter|lista)\b|\bdejar(les)? (una )?(resena|opinion|calificacion)\b"
        ),
        matches=(
            "I'd like to update my address. How long does shipping take to Salta?",
            "Please change my email address. Do you ship to Mendoza?",
            "I want to leave a review. How long does delivery take to Rosario?",
            "Kindly add me to your newsletter. Can I return sale items?",
            "Quiero actualizar mi domicilio. ¿Cuánto tarda el envío a Salta?",
            "¿Cómo hago para darme de baja de la newsletter? ¿Aceptan Mercado Pago?",
        ),
        never=(
            "Do you ship to Mendoza? I live in the city.",
            "Can I change it for a different size?",
            "¿Puedo cambiar el talle?",
        ),
    ),
    # a question with no policy answer next to a policy one ("are you hiring?", "do your prices include VAT?", "do you
    # have a shop in Córdoba?", a collaboration or a quote offered to the shop): the LLM answers both
    Rule(
        name="other.jobs_taxes_branches",
        adds_to="other",
        weight=2,
        description="jobs, taxes (VAT, IVA), collaborations, quotes, or a shop in another city",
        pattern=(
            r"\b(hiring|vacanc\w*|vat|iva|impuestos?|taxes|blogger|influencer|collab\w*|feature your|partnership|"
            r"quote your|cotizar\w*|(have|tienen|hay) (a |un )?(shop|store|local|tienda|showroom) (in|en))\b|"
            # the press, a photo shoot, clothes lent, a space or a business offered: not a customer's policy
            # question ("I'm a stylist and would like to borrow some pieces for a photoshoot. Do you ship to Palermo?")
            r"\b(press (enquir|inquir|office|release)\w*|journalist|periodista|prensa|photo ?shoots?|sesion de fotos|"
            r"produccion de fotos|borrow|prestar(nos|me)? (unas |algunas )?prendas|"
            r"(offer|propose|present) (you |to you )?(a |an )?(space|stand|spot|partnership|proposal|business|deal)|"
            r"(ofrecerles|proponerles|presentarles) (un|una) (espacio|propuesta|local|stand|negocio))\b|"
            # a catalogue, a price list or a quote asked for, what to buy recommended, a discount asked as a favour
            r"\b(send|email|mail|share)\w* (me |us )?(your |the |a )?(catalogue|catalog|lookbook|price list)\b|"
            r"\b(pasan|pasas|mandan|envian|pasarme|mandarme|enviarme|pasarnos|mandarnos)( el| la| su)? (catalogo|"
            r"lista de precios|lookbook)\b|\b(send|give|email)\w* (me |us )?(a |an )?(quote|estimate) for\b|"
            r"\b(un |una )?(presupuesto|cotizacion) (por|de|para) \d|\b(me|nos) (recomiendan|recomendas|recomendarian|"
            r"sugieren|sugeris) (un|una|algo)\b(?! (talle|medida|numero))|\b(i'?d like|can i (get|have)|could you give "
            r"me|would you give me) a discount\b|"
            # a price matched or bettered
            r"\b(price[- ]?match\w*|match (the |a |their |other )?(shops'? |stores'? )?prices?|"
            r"(igualan|igualar|mejoran|mejorar|igualarme|mejorarme) (el |un |ese )?precio)\b"
        ),
        matches=(
            "Do you have a shop in Cordoba?",
            "Hi, do you ship to Rosario? And are you hiring by any chance?",
            "¿Los precios incluyen IVA?",
            "Good morning, I represent a shopping centre and would like to offer you a space. Do you ship nationwide?",
            "Hi! I'm a stylist and would like to borrow some pieces for a photoshoot. Do you ship to Palermo?",
            "Hello, is this the right email for press enquiries? Also, do you accept Mercado Pago?",
            "Do you ship to Rosario? Please also send me your catalogue.",
            "¿Hacen envíos a Neuquén? ¿Me pasan el catálogo?",
            "Which payment methods do you take? Can you send me a quote for 20 hoodies?",
            "¿Aceptan transferencia? ¿Me pasan un presupuesto por 30 remeras?",
            "¿Cómo son los cambios? ¿Me recomiendan un regalo para mi suegra?",
            "What sizes do you have? I'd like a discount because I'm a regular customer.",
            "Hi, is there free shipping over a certain amount? And do you price match other shops?",
            "¿Hacen envíos a Junín? ¿Me igualan el precio de otra tienda?",
        ),
        never=(
            "¿Qué talle me recomiendan? Mido 1,70.",
            "¿Me recomiendan un talle para mi hijo de 15?",
        ),
    ),
    # what someone of the shop told or promised the customer: a canned text may contradict it ("la chica del local me
    # dijo que me hacían el envío gratis", "your store manager said I could return it")
    Rule(
        name="other.staff_said",
        adds_to="other",
        weight=2,
        description="a promise or an answer from the shop's staff, reported by the customer",
        pattern=(
            r"\b(la chica|el chico|una chica|un chico|la vendedora|el vendedor|una vendedora|un vendedor|la encargada|"
            r"el encargado|la gerente|el gerente|alguien|una persona|la persona)( del local| de la tienda| de ustedes| "
            r"de atencion)?( por (instagram|whatsapp|telefono))?( me| nos)? (dijo|dijeron|prometio|aseguro|confirmo)\b|"
            r"\b(your|the) (store |shop )?(manager|staff|assistant|salesperson|sales assistant|shop assistant|seller|"
            r"employee)( \w+)?( at the (store|shop))? (said|told me|told us|promised|confirmed|agreed)\b|"
            r"\b(someone|a (girl|guy|woman|man|lady)) (at|from) (the|your) (store|shop)( on instagram)? (said|told me|"
            r"promised)\b|"
            # someone the customer knows who works there: "my friend who works at your store said..."
            r"\b(who|that|que) (works?|worked|trabaja|trabajaba) (at|in|for|en|para) (your|the|su|tu|el|la|ustedes)"
            r"( (store|shop|local|tienda|empresa))?\b[^.?!\n]{0,20}\b(said|told|promised|dijo|prometio|aseguro)\b"
        ),
        matches=(
            "Buenas!! la chica del local me dijo que si compraba 2 jeans me hacían el envío gratis. ¿Es así?",
            "Una vendedora por Instagram me dijo que hay 6 cuotas sin interés con Amex. ¿Qué tarjetas aceptan?",
            "Your store manager Julieta said I could return my sale dress for a refund. What's the process?",
            "My friend who works at your store said you give 6 interest-free instalments. Which cards do you take?",
            "Una amiga que trabaja en el local me dijo que el envío es gratis. ¿Es así?",
        ),
        never=("Me dijo una amiga que hacen envíos a Salta, ¿es así?", "My sister said you ship to Chile. Do you?"),
    ),
    # a second question no canned text answers, asked beside a policy one: a minimum order, a new collection, how
    # the clothes are made, ordering by phone, a store somewhere else ("Do you ship to Tucumán? Is there a minimum
    # order?"): the LLM answers both
    Rule(
        name="other.no_text_says",
        adds_to="other",
        weight=2,
        description="a minimum order, a new collection, ethical making, ordering by phone, a store there, gift cards",
        pattern=(
            r"\b(minimum|minimo|minima) (order|purchase|spend|amount to (order|buy)|de compra|para comprar)\b|"
            r"\bcompra minima\b|\b(new|next|summer|winter|spring|autumn|fall) collection\b|\bnueva coleccion\b|"
            r"\bcoleccion (de |nueva de )?(verano|invierno|otono|primavera)\b|"
            r"\b(ethical(ly)?|sustainab\w*|eco-?friendly|sustentable\w*|sostenible\w*|fair trade)\b|"
            r"\b(order|buy|comprar|pedir) (by|over the|por) (phone|"
            r"telefono)\b|\b(a |un )?(store|shop|local|tienda) (there|alla|ahi) (too|tambien)\b|"
            # gift cards, loyalty points, a printed catalogue: none of the canned texts speaks of them
            r"\bgift ?(cards?|vouchers?|certificates?)\b|\b(tarjetas?|vales?|giftcards?|gift cards?) de regalo\b|"
            r"\b(loyalty|rewards?|points?) (program|programme|scheme|card|club)\b|"
            r"\bprogramas? de (puntos|fidelidad|beneficios)\b|\b(printed|paper|physical) catalog(ue)?s?\b|"
            r"\bcatalogos? (impreso|en papel|fisico)s?\b"
        ),
        # the minimum for free shipping is the shipping text's
        # nor a compliment that asks nothing ("Love the new collection.")
        unless_in_sentence=(
            r"\b(free|gratis|sin cargo|sin costo|bonificad\w*)\b|^(?![^?]*\?)[^?]*\b(love|loving|loved|adore|lovely|"
            r"gorgeous|beautiful|amazing|encanta|encantan|encanto|me gusta|me gustan|hermosa|divina|linda)\b"
        ),
        matches=(
            "Do you ship to Tucumán? Is there a minimum order?",
            "Can I return sale items? And when does the summer collection come out?",
            "What's your return policy? Also, are your clothes ethically made?",
            "Do you ship to Córdoba? My sister wants to know if you have a store there too.",
            "Do you accept Visa? And can I order by phone?",
            "Hello, what's your return policy? And do you sell gift cards?",
            "¿Cómo son los cambios? ¿Tienen programa de puntos?",
            "Hi! Do you ship to Córdoba? Also, do you have a loyalty program?",
        ),
        never=(
            "¿A partir de qué monto el envío es gratis?",
            "Is there a minimum purchase for free shipping?",
            "¿Existe un monto mínimo de compra a partir del cual el envío resulta sin cargo?",
            "Hello! Loving the new collection. Two questions before I buy:",
        ),
    ),
    # a visit to the store and the shop's sales calendar: trying clothes on, a fitting room, getting in with a
    # wheelchair, when the next sale is ("Do you ship to Rosario? Can I try things on at the store?")
    Rule(
        name="other.visit_and_sales",
        adds_to="other",
        weight=2,
        description="trying clothes on at the store, its access, the prices' currency, when the next sale is",
        pattern=(
            r"\b(try|trying) (things|clothes|stuff|them|it|items)? ?on (at|in) (the|your) (palermo )?(store|shop)\b|"
            r"\b(fitting|changing) rooms?\b|\bprobador(es)?\b|\bprobar(me|se|la|las|lo|los)? (la ropa |las prendas |"
            r"algo |cosas )?en el local\b|\bwheelchair|\b(accessible|accesible)\b|\bsilla de ruedas\b|"
            r"\b(prices?|precios?) (are |estan )?(in|en) (dollars|usd|pesos|dolares)\b|"
            r"\b(next|upcoming|proxima|proximas|proximo) (sale|sales|ofertas?|liquidacion|rebajas|descuentos)\b|"
            + SALE_EVENT.pattern
        ),
        # sale items bought in a sale are the returns text's ("what I buy in the Hot Sale, can I exchange it?")
        unless_in_sentence=r"\b(return\w*|exchang\w*|refund\w*|cambi\w*|devol\w*|devuelv\w*)\b",
        matches=(
            "Do you ship to Rosario? Can I try things on at the store?",
            "¿Hacen envíos a Rosario? ¿Se puede probar la ropa en el local?",
            "Can I return sale items? Are your prices in dollars or pesos?",
            "¿Cuánto tarda el envío? ¿Cuándo son las próximas ofertas?",
            "Do you take Mastercard? Is there a fitting room in the shop?",
        ),
        never=(
            "Lo que compro en el Hot Sale, ¿lo puedo cambiar?",
            "If I try it on at home and it doesn't fit, can I return it?",
        ),
    ),
)
