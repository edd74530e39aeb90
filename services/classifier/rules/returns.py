"""Returns and exchanges as a policy topic: the policy, the window, how a return or an exchange is done, what it
costs, what state the item must be in.

The refund-policy phrasings ("do you offer refunds?", "refund window") are signals (`signals.refund_policy_*`): they
turn refund words into a returns question unless the email is about an order that exists.
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    EN_ANOTHER_MATTER,
    EN_NOT_POLICY,
    EN_NOT_POLICY_ANYWHERE,
    NOT_A_GARMENT_CHANGE,
    RETURN_POSTAGE,
    RETURN_POSTAGE_ES,
)

RULES: tuple[Rule, ...] = (
    # who pays the postage of a return or an exchange: the Spanish returns text says, whatever shipping words are used
    Rule(
        name="returns.who_pays_the_postage",
        adds_to="returns",
        weight=3,
        description="who pays the shipping of a return or an exchange, in Spanish",
        pattern=RETURN_POSTAGE_ES.pattern,
        # not a change of the address, the date or the way of paying
        unless=NOT_A_GARMENT_CHANGE.pattern,
        matches=(
            "¿Quién paga el envío de la devolución?",
            "Si lo quiero cambiar, el envío del cambio ¿lo pago yo o ustedes?",
            "Y si tengo que cambiar algo por talle, ¿tengo que pagar el envío de vuelta?",
        ),
        never=(
            "¿Quién paga el envío a Córdoba?",
            "Who pays the shipping to Salta?",
            "Quiero cambiar la dirección de envío, ¿quién paga?",
        ),
    ),
    Rule(
        name="returns.who_pays_the_postage_en",
        adds_to="returns",
        weight=3,
        description="who pays the postage of a return or an exchange, in English",
        pattern=RETURN_POSTAGE.pattern,
        unless=EN_NOT_POLICY.pattern,
        matches=(
            "If I need to return something, who pays for the postage, you or me?",
            "Who pays the shipping when I send something back to you? Here I never know.",
            "If the size turns out to be wrong, how do exchanges work? Do I have to pay for the shipping both ways?",
        ),
        never=(
            "Who pays the shipping to Salta?",
            "The zip broke. If I return it, who pays the postage?",
            "You sent the wrong size. Do I have to pay for the shipping to exchange it?",
        ),
    ),
    # exchanging at the shop instead of by post: the returns text says where
    Rule(
        name="returns.exchange_at_the_store",
        adds_to="returns",
        weight=3,
        description="whether an item can be exchanged or returned at the shop, in English",
        pattern=(
            r"\b(exchange|swap|return|change)\b[^.?!]{0,40}\b(at|in) (your|the) (palermo )?(shop|store|showroom)\b|"
            r"\b(go|come|pop|drop|walk|head|take (it|them|things)|bring (it|them|things))( in| by| back)? (in)?to "
            r"(your|the) (palermo )?(shop|store|showroom)\b[^.?!]{0,60}\b(exchange|swap|change)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Kindly inform me whether I can exchange an item at your shop in Palermo instead of posting it back.",
            "Could she take it into your shop in Palermo and swap it there?",
            "If the size is wrong, I can change them directly in the shop, or I must post them back?",
        ),
        never=(
            "Can I pay in cash at your store?",
            "The jacket I got is damaged, can I exchange it at your store?",
        ),
    ),
    # exchanging for something dearer: the returns text says the customer pays the difference
    Rule(
        name="returns.pay_the_difference_en",
        adds_to="returns",
        weight=3,
        description="whether one pays the difference when exchanging for something dearer, in English",
        pattern=(
            r"\b(pay|paying|pays) (only |just )?(the )?(price )?(difference|balance( amount)?)\b|"
            r"\b(price|cost) difference\b|\b(difference|balance) in (the )?price\b"
        ),
        unless=EN_NOT_POLICY.pattern,
        unless_in_sentence=r"\b(shipping|delivery|postage|courier|express|pickup|branch)\b",
        matches=(
            "Is it possible to exchange the blouse for the dress and pay only the balance amount?",
            "If I swap it for a pricier one, I assume I'd pay the difference?",
            "The blue one is a little more expensive, how does it work with the price difference?",
        ),
        never=(
            "What is the price difference between home delivery and branch pickup?",
            "You charged me twice, I paid the difference already.",
        ),
    ),
    Rule(
        name="returns.pay_the_difference_es",
        adds_to="returns",
        weight=3,
        description="whether one pays the difference when exchanging for something dearer, in Spanish",
        pattern=(
            r"\b(pago|pagar|pagaria|abono|abonar|abonaria|se paga|se abona) (la |una |esa )?diferencia\b|"
            r"\b(si|y si) (la|el|lo|los|las) que (quiero|elijo|me gusta|prefiero)( a cambio| por cambio)? (es|sale|"
            r"cuesta|vale) mas car[oa]s?\b|\bsi (el|la) (otr[oa]|nuev[oa]) (sale|cuesta|es|vale) mas car[oa]\b"
        ),
        unless=NOT_A_GARMENT_CHANGE.pattern,
        unless_in_sentence=r"\b(envio|envios|flete|correo|sucursal|domicilio)\b",
        matches=(
            "Y si la que quiero a cambio es más cara?",
            "Si lo cambio por otro modelo, ¿pago la diferencia nomás?",
        ),
        never=("Si el envío a domicilio sale más caro, ¿pago la diferencia con tarjeta?",),
    ),
    Rule(
        name="returns.exchange_policy_es",
        adds_to="returns",
        weight=3,
        description="the exchange or returns policy, its window, or whether an item can be changed, in Spanish",
        pattern=(
            r"\b(politica|condiciones|plazo|plazos|reglas) de (cambios?|devolucion(es)?|reembolsos?)\b|"
            # "¿los cambios se pueden hacer en...?", "las devoluciones se hacen por correo?"
            r"\b(los|las) (cambios|devoluciones) (se pueden hacer|se hacen|se hace|se puede hacer)\b|\b(hacen|"
            r"aceptan|tienen|se pueden hacer|se puede hacer|puedo hacer|como (hago|hacer|es|funciona|son|"
            r"funcionan)) (el tema de |lo de )?(un |el |los |las )?(cambios?|devolucion(es)?|reembolsos?)\b"
            # not a change of something else ("el tema de los cambios de dirección")
            r"(?! (de|del) (direccion|domicilio|precio|horario|titular|fecha|tarjeta|envio|mail|correo))|"
            r"\b(se puede|puedo|se pueden|"
            r"podria|podes|pueden) (cambiar|devolver)(lo|la|los|las)?\b|"
            r"\bpuede ((el|ella) mism[oa] )?(cambiar|devolver)(lo|la|los|las)\b|"
            # the state an item must be in: "para cambiar una prenda, ¿tiene que tener la etiqueta?"
            r"\bpara (cambiar|devolver)\w*\b[^?]{0,40}\?? ?[^?]{0,40}\b(etiquetas?|sin usar|usad[oa]s?|lavad[oa]s?)\b|"
            # "si el talle no le va, ¿lo puede cambiar mandándolo por correo?"
            r"\b(lo|la|los|las) (puede|puedo|pueden|podes|podria|podra) (cambiar|devolver)\b|"
            # the one who got a present: "si a ella no le queda, ¿lo puede cambiar ella sola?"
            r"\b(lo|la|los|las) (puede|podra|podria) (cambiar|devolver) (el|ella) (sol[oa]|mism[oa])\b|"
            r"\b(hasta cuando|cuanto tiempo|"
            r"cuantos dias|que plazo) (tengo|hay|tenes|tienen) para (hacer )?(un |el |la )?(cambio|devolucion|cambiar|"
            r"devolver)\b|"
            r"\b(cuantos|cuanto) (dias|tiempo) (tengo|hay|tenes|tienen)\b.{0,15}\b(para )?(cambiar|devolver|hacer (el|"
            r"un) cambio)\b|\bcambio (de|por) (otro )?talle\b|"
            r"\b(si|en caso de que) (al final )?no (me (queda|va|gusta|entra|calza)|le (queda|gusta|entra|calza))\b|"
            r"\bcambios? (sin cargo|gratis)\b|\bdevolver (una|un|la|el) (prenda|producto|articulo)\b|"
            r"\b(quiero|necesito|quisiera|queria|me gustaria|quisieramos) (hacer un |hacer el )?(cambiar|devolver|"
            r"cambio|devolucion)\b|\bcambiar (el|de|por otro) talle\b|"
            # what an exchange or a return costs: "¿las devoluciones tienen algún costo?"
            r"\b(cambios?|devolucion(es)?) (tienen?|llevan?|cuestan?|salen?) (algun |un )?(costo|cargo|recargo)\b"
        ),
        unless=NOT_A_GARMENT_CHANGE.pattern,
        matches=(
            "¿Cuál es la política de cambios?",
            "Hola, ¿las devoluciones tienen algún costo?",
            "hola como es el tema de los cambios?",
            "si no me queda el talle lo puedo cambiar?",
            "¿Hasta cuándo tengo para hacer un cambio?",
            "Si no le queda, ¿ella puede cambiarlo directamente?",
            "Es un regalo para mi cuñada: si no le va, ¿la puede cambiar ella sola?",
            "Una duda general: para cambiar algo, ¿hace falta que tenga la etiqueta o basta con que esté sin usar?",
            "Si al final no le queda bien, ¿puede él mismo cambiarlo allá en Córdoba?",
        ),
        never=(
            "¿Puedo cambiar la dirección de entrega?",
            "¿Me puede devolver la llamada al 11 5555 5555?",
            "¿Puedo cambiar el envío por retiro en el local? Compré ayer",
        ),
    ),
    Rule(
        name="returns.return_policy_en",
        adds_to="returns",
        weight=3,
        description="the return policy, whether or how one can return or exchange, the window, free returns",
        pattern=(
            r"\b(return|exchange|refund) polic(y|ies)\b|\b(can|could|may) i (just |simply |also )?(return|exchange|"
            r"send back|swap|send (it|them) back)\b|"
            r"\bhow (do|can|would) i (return|exchange)\b|\b(can|could) (i|we) still (return|exchange|send it back)\b|"
            r"\b(do|can|will) you (accept|do|offer|allow|give) (returns|"
            r"exchanges|refunds)\b|\b(what if|if) (it|they|the [a-z ]{1,20}) (doesn'?t|don'?t|does not|do not) fit\b|"
            r"\bhow (long|many days) (do i have )?to (return|exchange)\b|\breturns? (window|period)\b|"
            # a right supposed and asked to be confirmed: "I can swap it for the other size, right?"
            r"\b(i|we) (can|could) (still )?(swap|exchange|return|send back) (it|them)\b[^.?!]{0,50},? (right|correct|"
            r"yes|no)\?|\b(are|"
            r"is) (returns|exchanges|the exchange|the return|(that|the|a) swap) free\b|\bfree returns\b"
        ),
        matches=(
            "Do you offer refunds?",
            "Can I exchange a gift?",
            "What's your return policy?",
            "If I've removed the tags but not worn the item, can I still return it?",
            "if the jacket doesn't look like it does on the model, can i send it back?",
            "And if it ends up tight, we can exchange it for the bigger one, right?",
            "If I grab a fleece in the sale and regret it, can I just return it?",
        ),
    ),
    # a gift exchanged by the one who got it, whoever paid: the returns text says the recipient may, with the order
    # number ("can she exchange it herself?", "can I change it even though I didn't buy it?")
    Rule(
        name="returns.a_gift_exchanged_by_its_recipient",
        adds_to="returns",
        weight=3,
        description="whether the one who got a present can exchange it themselves, in English",
        pattern=(
            r"\b(can|could|may) (she|he|they|the recipient|the person|my \w+)\b[^.?!]{0,40}\b(exchang(e|ing)|"
            r"chang(e|ing)|swap(ping)?) (it|them|that)\b[^.?!]{0,30}\b(herself|himself|themselves|directly|on (her|"
            r"his|their) own)\b|"
            r"\b(she|he|they|the recipient) (can|could|may)\b[^.?!]{0,40}\b(exchange|change|swap) (it|them|that)\b"
            r"[^.?!]{0,30}\b(herself|himself|themselves|directly|on (her|his|their) own)\b|"
            r"\b(exchange|change|swap) (it|them) (myself|directly)?[^.?!]{0,20}\b(even though|although|even if) (i|she|"
            r"he|they) (didn'?t|did not|wasn'?t|was not|am not|isn'?t|is not) (buy|pay|order|the (one|person) who)"
        ),
        matches=(
            "If she doesn't like it, can she exchange it herself?",
            "if the size is off can HE sort out swapping it himself? I'll be away",
            "If the size is wrong, he can go to your shop to change it himself?",
            "can I change it myself even though I didn't buy it?",
        ),
        never=("Can she change the delivery address herself?", "Can my husband change it? He bought it last week."),
        unless_in_sentence=r"\b(address|addresses|payment|delivery (address|date|time))\b",
    ),
    # ... asked by the one who got it, in an email that says it was a present: "A friend gave it to me. Can I still
    # change it myself?"
    Rule(
        name="returns.a_present_exchanged_by_me",
        adds_to="returns",
        weight=3,
        description="whether the one who got a present (said so) can exchange it themselves: 'can I change it myself?'",
        pattern=(
            r"\b((can|could|may) (i|she|he|they)( still)?|is it possible for (me|her|him|them) to|"
            r"would (i|she|he|they) be able to|(i am|i'm|am i) able to (effect |make |do )?(the )?) (exchange|change|"
            r"swap)( (it|them))?( for (something|anything) (else|"
            r"different))? (myself|herself|himself|themselves)\b"
        ),
        unless=r"^(?![\s\S]*\b(gift|gifts|gifted|present|gave (it|them|me|her|him)|was given|given (to )?me)\b)",
        unless_in_sentence=r"\b(address|addresses|branch|delivery|shipping|pickup|payment|name|order)\b",
        matches=(
            "A friend gave it to me. Can I still change it myself?",
            "It was a gift from my colleague. Is it possible for me to exchange it myself?",
            "My aunt sent it as a present. Would she be able to exchange it herself for something else?",
        ),
        never=(
            "Wrong pickup branch chosen. Could I change it myself or do you have to?",
            "It was a gift. Can I change the delivery address myself?",
        ),
    ),
    Rule(
        name="returns.return_word",
        adds_to="returns",
        weight=1,
        description="the word cambio, devolución, return or exchange: a bare hint",
        pattern=r"\b(cambio|cambios|(des)?cambiar|devolucion|devoluciones|devolver|return|returns|exchange|exchanges)\b",
        matches=("Consulta por un cambio", "About returns"),
    ),
    Rule(
        name="returns.how_exchanges_go_es",
        adds_to="returns",
        weight=3,
        description="whether an exchange costs anything, what to do to return an item, how exchanges work, in Spanish",
        pattern=(
            r"\b(el|los) (primer |primeros )?cambios? (es|son|seria|serian|tiene|tienen)( algun)? (sin cargo|gratis|"
            r"gratuitos?|costo|cargo)\b|\b(el|los) (primer |primeros )?cambios? (me |nos |te |le )?(sale|salen|cuesta|"
            r"cuestan|cobran)\b|\bpara (cambiar|devolver)(lo|la|los|las)\b|\bcomo (son|funcionan) los cambios\b"
        ),
        unless=NOT_A_GARMENT_CHANGE.pattern,
        matches=(
            "¿El cambio tiene algún costo?",
            "¿el primer cambio es gratis si me queda mal?",
            "si algo no me queda, si el cambio me sale algo o es gratis",
            "Hola, me gustaría saber cómo funcionan los cambios",
            "Si me queda mal, ¿qué tengo que hacer para devolverlo?",
        ),
        never=("¿Qué tengo que hacer para cambiarlo? Quiero cambiar la dirección de envío",),
    ),
    Rule(
        name="returns.how_do_returns_work",
        adds_to="returns",
        weight=3,
        description="'how do returns / exchanges / refunds work?'",
        pattern=r"\bhow (do|does) (returns?|exchanges?|refunds?) work\b",
        matches=("How do exchanges work?", "how do returns work?"),
    ),
    # "how long do I have to make an exchange?", "how many days do customers get to return something?"
    Rule(
        name="returns.return_window_en",
        adds_to="returns",
        weight=3,
        description="how long the customer has to return or exchange something, in English",
        pattern=(
            r"\bhow (long|many days|much time) ((do|does|will|would) (i|we|you|customers|one|the customer) (have|get)|"
            r"have (i|we|you) got) (to|for) (make |do |request |start )?(an? |the )?(returns?|exchanges?|return|"
            r"exchange|swap|change (it|them)|send (it|them|items|things|something) back)\b|"
            r"\b(time limit|deadline|time ?frame|window|"
            r"how many days|how much time|days)\b[^.?!]{0,25}\b(for|to) (make |do |request |start )?(an? |"
            r"the )?(returns?|exchanges?|return (it|them|an item|items|something|clothes)|exchange (it|them|an item|"
            r"items|something)|send (it|them|things|items) back)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "And if I get it wrong, how long do we have to swap it?",
            "How long do I have to make an exchange?",
            "How many days do customers get to return something?",
        ),
        never=("How long do I have to return it? It arrived damaged.",),
    ),
    # "can items be returned?", "do items have to be unused to be returned?", "are sale items exchanged?"
    Rule(
        name="returns.can_items_be_returned",
        adds_to="returns",
        weight=3,
        description="whether items, sale items or clothes can be returned or exchanged",
        pattern=(
            r"\b(can|could|may|will|are|is|do|does) ((sale|discounted|clearance|marked[- ]down) )?(items?|clothes|"
            r"clothing|products?|garments?|things|stuff|purchases?|everything|it|they|orders?)( have to| need to)? "
            r"(be )?(returned|exchanged|swapped|sent back)\b|\b(are|is) ((sale|discounted|clearance|marked[- ]down) )?"
            r"(items?|clothes|products?|things|stuff|it|they|everything)( on sale)? (returnable|exchangeable|"
            r"refundable)\b|"
            r"\bto be (returned|exchanged)\b|\b(are|is) ((the )?(sale|discounted|clearance|marked[- ]down) )(items?|"
            r"clothes|products?|things|stuff)( on sale)? (a )?final( sale)?\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Do items have to be unused to be returned?",
            "Can sale items be exchanged?",
            "can sale stuff be returned?",
            "Hi there, are sale items returnable?",
            "Hi, are sale items final sale?",
        ),
        never=("Can it be exchanged? The zip is broken.",),
    ),
    # "can I send it back if it doesn't fit?", "I want to know if I can return the dress if it doesn't suit me"
    Rule(
        name="returns.send_it_back_if",
        adds_to="returns",
        weight=3,
        description="whether the customer could send something back, or what if it does not suit them",
        pattern=(
            r"\b(can|could|may) (i|we) (send|bring|take|mail|post) (it|them|things|items?|clothes|something|stuff|"
            r"the \w+) back\b|\b(would|will) (i|we) be able to (return|exchange|swap|send)\b|"
            r"\bsend(ing)? (one|some|stuff|things|items?|something) back\b|\b(if|whether) (i|we|you) (can|could|may) "
            r"(return|exchange|swap|send (it|them) back)\b|"
            r"\b(what if|if) (it|they|the [a-z ]{1,20}) (doesn'?t|don'?t|does not|do not) (suit|work out|look good)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Can I send it back if it doesn't fit?",
            "Can I bring it back if I change my mind?",
            "Should something not fit, would I be able to send it back?",
            "If I order two sizes and send one back, is that allowed?",
        ),
        never=("Can I send it back? It arrived yesterday and the seam is ripped.",),
    ),
    # "can I swap for a different size if it's too small?", "can I exchange it for another colour?"
    Rule(
        name="returns.swap_for_another_size",
        adds_to="returns",
        weight=3,
        description="whether an item can be swapped for another size or colour",
        pattern=(
            r"\b((can|could|may) (i|we)|is it possible to|are (we|customers) allowed to|(am|are) (i|we) able to|"
            r"(would|will) (i|we) be able to) (swap|exchange|change|"
            r"trade) (it |them |items? |an item |clothes |something )?(for|to|into) (a |an |another |the )?(different |"
            r"bigger |smaller |larger |other |next )?(size|colou?r)\b|"
            # "can I change it for something else?", of a thing not yet in hand or a gift
            r"\b(can|could|may) (i|we|she|he|they) (just )?(swap|exchange|change|trade) (it|them) (myself |herself |"
            r"himself |themselves )?for (something|anything) (else|different)\b"
        ),
        # an order's size, address or delivery changed ("can I change my order to a different size?"), not "before I
        # order"
        unless=EN_NOT_POLICY.pattern + r"|\b(my|the|our|this|that) (orders?|address|payment|delivery|shipping)\b",
        matches=(
            "Can I swap for a different size if it's too small?",
            "Can I exchange it for another colour?",
            "Before I order: if the jeans don't fit, can I swap them for another size?",
            "If I buy trousers and the size is not good, can I change to other size?",
            "If she doesn't like the colour, can she change it for something else?",
            "Excuse the mistakes in my English. Can I swap it for another size? Is the first change free?",
            "I'm still figuring out sizes here. Can I exchange it for a bigger size if the size is wrong?",
            "Am I able to swap it for a smaller size if it is too big?",
        ),
        never=("Can I change my order to a different size?",),
    ),
    Rule(
        name="returns.exchange_at_the_store_es",
        adds_to="returns",
        weight=3,
        description="whether an item can be exchanged or returned at the shop, in Spanish",
        pattern=(
            r"\b((des)?cambiar(lo|la|los|las)?|hacer (el|un|los) cambios?|devolver(lo|la|los|las)?)\b[^.?!\n]{0,40}"
            r"\b(en|al) "
            r"(el )?(local|showroom|tienda fisica)\b|\b(ir|llevar(lo|la|los|las)?|pasar) (al|por el) (local|showroom)\b"
            r"[^.?!\n]{0,30}\b(a |para )(cambiar(lo|la|los|las)?|hacer el cambio)\b"
        ),
        unless=NOT_A_GARMENT_CHANGE.pattern,
        matches=(
            "si algo no le queda, ¿lo puedo llevar a cambiar directamente al local de Palermo?",
            "¿Se puede cambiar en el local o hay que mandarlo por correo?",
            "se puede descambiar en el local o tengo q mandarlo x correo?",
        ),
        never=("¿Puedo pagar en efectivo en el local?", "¿Puedo cambiar el envío por retiro en el local?"),
    ),
    # how a return is done: "how do I make a return?", "what's the procedure for returning clothes?", "return
    # conditions"
    Rule(
        name="returns.how_to_return_en",
        adds_to="returns",
        weight=3,
        description="how a return or exchange is made: the procedure, the steps, the conditions, the window",
        pattern=(
            r"\b(make|do|start|process|request|initiate|arrange) (an? )?(return|exchange)\b|\b(procedure|process|"
            r"steps?|conditions|rules|terms|requirements) (for|to|of) (make |do |making |doing )?(an? )?(returning|"
            r"exchanging|returns?|exchanges?|return (an item|items|something|clothes)|send (it|them|things|"
            r"items) back)\b|\b(return|exchange)s? (conditions|terms|rules|requirements|criteria|restrictions|"
            r"eligibility|procedure|process|window|period|time ?frame|deadline|time limit)\b|"
            # "I need information about exchange of size. How I can do it?"
            r"\b(info|information|details) (about|on|regarding) (the |an? |your )?(exchanges?|returns?|size "
            r"exchanges?|(exchanges?|changes?) of (the )?sizes?)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "How do I make a return?",
            "What's the procedure for returning clothes?",
            "return conditions?",
            "Dear, I need information about exchange of size. How I can do it?",
        ),
        never=("I want to start a return, the jacket I received is damaged",),
    ),
    # "do you have free exchanges?", "what's your policy if something doesn't fit?"
    Rule(
        name="returns.free_exchanges",
        adds_to="returns",
        weight=3,
        description="free returns or exchanges, or what happens if something does not fit",
        pattern=(
            r"\bfree (returns|exchanges)\b|\b(is|are) (the )?(first )?(exchanges?|returns?) (free|free of charge|at no "
            r"cost|without charge)\b|\b(what if|if) (something|anything|an item|items|clothes|the (size|"
            r"colou?r)) (doesn'?t|don'?t|does not|do not) (fit|suit|work out)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Do you have free exchanges?",
            "What's your policy if something doesn't fit?",
            "Is the first exchange free?",
        ),
        never=("Free exchanges? My last order never arrived.",),
    ),
    # what state items must be in ("a satisfaction guarantee" is a refund-policy signal; who pays a return is not in
    # the canned text, so it is left to the LLM)
    Rule(
        name="returns.condition_of_items",
        adds_to="returns",
        weight=3,
        description="what condition items must be in to be returned or exchanged",
        pattern=(
            r"\b(what|which) (condition|state)s? (do|does|must|should|have|has) (the )?(items?|products?|clothes|"
            r"things|it|they|garments?)\b[^.?!]{0,30}\b(return|exchange)"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("which condition must the clothes be in to exchange them?",),
        never=("What condition must the items be in to return them? I already washed one.",),
    ),
)
