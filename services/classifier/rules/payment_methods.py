"""Payment methods as a policy topic: the ways to pay, cards and instalments, transfer and cash (and their
discount), a named way to pay accepted or not. A payment that went wrong is payment_problem (`orders.py`).

A way of paying the customer names must be in the canned text, or decide.py sends the email to the LLM.
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    EN_ANOTHER_MATTER,
    EN_NOT_POLICY,
    EN_NOT_POLICY_ANYWHERE,
    HOLD_AN_ITEM,
    PAY_ON_DELIVERY,
    PAY_WAYS,
    REFUND_DESTINATION,
    TRANSFER_DISCOUNT,
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="payment_methods.ways_to_pay_es",
        adds_to="payment_methods",
        weight=3,
        description="the ways to pay, a card or wallet accepted, instalments, cash, transfer details, in Spanish",
        pattern=(
            r"\b(medios|formas|metodos|opciones|modos|maneras) de pago\b|"
            r"\b(medios|formas|metodos|opciones|modos|maneras) (tengo |hay |tienen )?(para|de) (pagar|abonar)\b|"
            r"\b(como|de que forma|con que) (puedo |se puede |podes |"
            r"puedo hacer para |hago para )?(pagar|abonar)\b|\b(aceptan|toman|reciben|trabajan con|se puede pagar con|"
            r"puedo pagar con|pagar con|abonar con|pago con|se puede abonar con)\b.{0,15}\b(tarjetas?|credito|debito|"
            r"mercado ?pago|mp|transferencia|efectivo|paypal|cripto|rapipago|pago ?facil|visa|master(card)?|amex|"
            r"american express|naranja|cabal|modo|cuenta dni)\b|\bcuotas sin (interes|tarjeta)\b|"
            # a way to pay that only a business offers: "¿tienen Rapipago o Pago Fácil?"
            r"\b(tienen|tenes|hay)\b.{0,15}\b(rapipago|pago ?facil|paypal|mercado ?pago|cuenta dni)\b"
            r"(?! (point|qr))|"
            r"\b(en|hasta|cuantas) cuotas\b|"
            r"\b(descuento|%|off) (por|con|pagando con|abonando con|si pago con|en) (transferencia|efectivo)\b|\b(pago|"
            r"pagar) en efectivo\b|\bcontra ?entrega\b|\bcontra[ -]?r{1,2}e{0,2}mbolso\b|"
            r"\b(pagar|abonar)(lo|la)? (cuando|al) (tenga|tener|reciba|recibir|recibo|me llegue|me entreguen) (el "
            r"paquete|la compra|el pedido|la ropa)\b|\b(pagar|abonar|se paga|se puede pagar) (al|cuando) "
            r"(recibir|llega|llegue|me llega|lo recibo|entregan|el cartero)\b|\b(datos|cbu|alias|cvu) (para|de la) "
            r"(transferencia|pagar)\b|"
            # another currency: "¿es posible abonar en dólares billete al retirar?" (a way to pay the text may not name)
            r"\b(pagar|abonar|pago|abono|pagarles|abonarles)\b( (todo|la compra|el pedido))? en (dolares|dolar|usd|"
            r"euros?|reales|moneda extranjera)\b"
        ),
        matches=(
            "¿Aceptan Mercado Pago?",
            "¿Cuáles son los medios de pago?",
            "tienen cuotas sin interes?",
            "¿Qué modos de pago tienen?",
            "Buen día, ¿qué opciones tengo para pagar?",
            "¿Se puede pagar contra entrega?",
            "¿Hacen envíos a Tucumán? Prefiero abonar contra reembolso, ¿es posible?",
            "Prefiero pagar cuando tenga el paquete en la mano, ¿se puede?",
            "¿Puedo pagar al recibir el paquete?",
            "quisiera saber si es posible abonar en dólares billete al retirar en el local",
            "¿tienen Rapipago o Pago Fácil?",
        ),
    ),
    Rule(
        name="payment_methods.ways_to_pay_en",
        adds_to="payment_methods",
        weight=3,
        description="payment methods, how one can pay, a card or wallet accepted, instalments, in English",
        pattern=(
            r"\bpayment (methods?|options|modalit(y|ies)|types?|forms?)\b|\b(accepted|available|allowed) (payment|"
            r"forms of payment|ways to pay)\b|\b(how|what ways?) (can|do|could) (i|we) pay\b|\b(do|can|could) (you|i|"
            r"we|u) (accept|take|use|do|pay (with|by|in|via|using))\b[^.?!]{0,25}\b(cards?|credit|debit|paypal|"
            r"mercado ?pago|cash|bank transfer|transfer|visa|master ?card|amex|crypto|installments?|bitcoin)\b|"
            r"\binstall?ments?\b|"
            r"\binterest[- ]free\b|\bcash on delivery\b|\bpay (on|upon) (delivery|arrival)\b|\bpay (at the "
            r"door|when it arrives|when (it'?s|it is) delivered)\b|\bpay(ing)? (in|by|with|via|using) (cash|card|"
            r"credit card|installments|transfer|bank transfer|paypal|mercado ?pago)\b|\b(any|another|other|"
            r"different) ways? (to|of) pay(ing)?\b|"
            # instalments in other words: "pay in several times", "split the payment"
            r"\bpay (it )?(in|with) (several|multiple|many|various|\d+) (times|parts|payments|monthly payments)\b|"
            r"\bsplit (the |my )?(payment|bill|cost|price|purchase)\b|\bpay (it )?(over|across) (a few|several|some|"
            r"multiple|\d+) months\b|"
            # "what options do I have to pay?"
            r"\b(options?|ways?|methods?) (do i have |are there |have i got |i have )?(to|for) pay(ing|ment)?\b|"
            # the bank account a transfer goes to, which the payment text says where to find
            r"\bwhere (do|can|would) (i|we) (get|find|see) the (bank |banking )?account (details|data|number|info)\b"
        ),
        # where a refund goes, not how to pay: "do refunds go back to the original payment method?"
        unless_in_sentence=REFUND_DESTINATION.pattern,
        matches=(
            "How can I pay?",
            "Good morning, what options do I have to pay?",
            "Hi, can I split the payment into a few months?",
            "Can I pay in installments?",
            "Do you accept credit cards?",
            "Is there any way to pay other than with a credit card?",
            "Where do I get the bank account details for the transfer?",
            "I would like to know if I can pay in several times with my Visa credit card, without fees.",
            "do u do cash on delivery?",
            "Can I pay on delivery?",
        ),
    ),
    Rule(
        name="payment_methods.pay_on_delivery",
        adds_to="payment_methods",
        weight=3,
        description="paying when the parcel comes (cash on delivery), asked, in Spanish or English",
        pattern=PAY_ON_DELIVERY.pattern,
        matches=(
            "can I pay the delivery man when the package reach my house?",
            "can I pay cash to the delivery guy when the package shows up at my door?",
            "¿Se puede pagar cuando llega el paquete?",
            "¿Es posible abonar al momento de recibir el paquete en mi domicilio, es decir, pagarle al cartero?",
        ),
        never=("I had to pay the courier when it came, is that normal?", "Me hicieron pagar al recibir el paquete."),
    ),
    Rule(
        name="payment_methods.instalments_word",
        adds_to="payment_methods",
        weight=2,
        description="the word cuotas (instalments): a strong hint",
        pattern=r"\bcuotas\b",
        matches=("¿Hacen envíos a Salta? Lo de las cuotas me interesa",),
    ),
    Rule(
        name="payment_methods.instalments_es",
        adds_to="payment_methods",
        weight=3,
        description="whether the shop offers instalments ('¿tienen cuotas?', '¿puedo pagar en cuotas?')",
        pattern=r"\b(tienen|hay|hacen|aceptan|dan|ofrecen|se puede pagar en|puedo pagar en|pagar en|con) cuotas\b",
        matches=("tienen cuotas?", "¿Se puede pagar en cuotas?"),
    ),
    # paying in parts, asked in English: a second question easily missed beside another ("can you hold it till
    # payday? If not, can I split it into a few chunks on my Visa?")
    Rule(
        name="payment_methods.instalments_en",
        adds_to="payment_methods",
        weight=3,
        description="instalments, interest-free payments or splitting the price into parts, in English",
        pattern=(
            r"\b(instal+ments?|interest[- ]free|monthly payments)\b|\bsplit (it|the (payment|cost|price|total|bill)|"
            r"(the|my) payments?|payments?)( up)?\b[^.?!]{0,30}\b(payments|instal+ments|chunks|parts|months|cuotas)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Do you offer instalments?",
            "Is it interest-free with Mastercard?",
            "If not, can I split it into a few chunks on my Visa?",
        ),
        never=("My instalments were charged twice.",),
    ),
    Rule(
        name="payment_methods.pay_word",
        adds_to="payment_methods",
        weight=1,
        description="the word pago, tarjeta, transferencia, pay or card: a bare hint",
        pattern=(
            r"\b(tarjeta|pago|pagar|abonar|transferencia|transferir|mercado ?pago|card|pay|payment)\b"
            # not the price of the delivery ("a way to not pay for the shipping", "do I have to pay extra?")
            r"(?!( for)?( the| my| an?)? (shipping|delivery|postage|envio|flete|extra)\b)"
        ),
        # paying when one comes for an item held is part of asking to hold it ("¿me la guardan? la pago ahí")
        unless=HOLD_AN_ITEM.pattern,
        matches=("Consulta sobre el pago", "payment", "Is delivery free or do I pay extra? Can I pay by card?"),
        never=(
            "¿Me la pueden apartar hasta que cobre y ahí la pago?",
            "Is delivery to Salta free or do I have to pay extra?",
            "is there a way to not pay for the shipping if I spend more?",
        ),
    ),
    Rule(
        name="payment_methods.transfer_discount",
        adds_to="payment_methods",
        weight=3,
        description="the discount for paying by transfer or in cash, which the payment text states",
        pattern=TRANSFER_DISCOUNT.pattern,
        matches=("¿Había un descuento por transferencia?", "¿Qué descuento tiene pagar en efectivo?"),
    ),
    Rule(
        name="payment_methods.how_does_one_pay_es",
        adds_to="payment_methods",
        weight=3,
        description="'¿cómo se paga?', 'formas de abonar', '¿cómo hago para pagar?'",
        pattern=(
            r"\bcomo (se|le|les|te) (paga|abona|pago|abono)\b|\b(formas?|maneras?|modos?) de (pagar|abonar)\b|"
            r"\bcomo (hago|haria|hacemos) (para |el )?(pagar|abonar|pago)\b|"
            # where the bank details for a transfer are, which the payment text says
            r"\b(donde|como) (encuentro|veo|consigo|obtengo|estan|aparecen|figuran|saco) (los )?datos (de la cuenta|"
            r"bancarios|para transferir|para (la|hacer la) transferencia)\b|"
            r"\b(donde|como) (encontramos|vemos|conseguimos) (los )?datos (de la cuenta|bancarios)\b|"
            r"\b(me|nos) (pasan|pasas|pasarian|mandan|mandas|envian|dan) (los )?datos (de la cuenta|bancarios|para "
            r"transferir|para (la|hacer la) transferencia)\b|"
            # how long there is to transfer: "¿cuánto tengo para transferir después de comprar?"
            r"\b(cuanto|cuanto tiempo|cuantos dias|cuantas horas|que plazo|hasta cuando) (tengo|tenemos|hay|tenes) "
            r"para (transferir|pagar|abonar|hacer la transferencia)\b|"
            # where the transfer's receipt goes, which the payment text says
            r"\b(como|donde|a donde|adonde|a que mail) (les )?(hago|hacemos|mando|mandamos|envio|enviamos|paso|pasamos)"
            r"( llegar)? (el|los) comprobantes?\b|"
            # a Mercado Pago balance, a debit card instead of a credit card
            r"\b(balance|saldo)\b[^.?!]{0,30}\bmercado ?pago\b|\bmercado ?pago\b[^.?!]{0,30}\b(balance|saldo)\b|"
            r"\b(necesito|hace falta|tengo que tener|se necesita) (si o si )?(una )?(tarjeta )?(de )?credito\b"
        ),
        matches=(
            "¿Dónde encuentro los datos para transferir?",
            "Les consulto cómo les hacemos llegar el comprobante y dónde encontramos los datos de la cuenta.",
            "Can I use that balance on Mercado Pago to pay for an order?",
            "Tengo débito del Banco Nación. ¿Con esa puedo comprar o necesito una de crédito?",
            "Hola, ¿cómo se abona? No tengo tarjeta",
            "Hola que tal? como se paga? Es la primera vez que compro online",
            "hola buenas, me pasan los datos para transferir? gracias",
            "Buen dia, cuanto tengo para transferir despues de comprar?",
        ),
    ),
    Rule(
        name="payment_methods.ways_of_payment_en",
        adds_to="payment_methods",
        weight=3,
        description="'how I can pay', 'forms of payment', 'ways to pay'",
        pattern=(
            r"\bhow (i|we|one) (can|could|may) pay\b|\b(forms?|ways?|types?|kinds?|modes?) of payment\b|\bways to pay\b"
        ),
        matches=("Ways to pay?", "Tell me how I can pay", "Which forms of payment are OK?"),
    ),
    # "what payment do you accept?", "do you offer payment plans?"
    Rule(
        name="payment_methods.what_payment_en",
        adds_to="payment_methods",
        weight=3,
        description="'what payment do you accept?', payment plans",
        pattern=(
            r"\b(what|which) (kinds? of |types? of |forms? of )?payments? (do|does|can|could|are|is)\b|"
            r"\bpayment plans?\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("What payment do you accept?", "Do you offer payment plans?"),
        never=("What payment did I use? I want to update it.",),
    ),
    # "how to pay?", "how should I pay?", "what are my payment options?"
    Rule(
        name="payment_methods.how_to_pay_en",
        adds_to="payment_methods",
        weight=3,
        description="'how to pay?', 'how should I pay?', payment options or methods, in English",
        pattern=(
            r"\bhow (to|do i|do we|can i|can we|could i|should i|would i|will i) pay\b|\bpayment (options?|methods?|"
            r"choices?|alternatives?|possibilities|types?|forms?|means|modes?|ways?|systems?|providers?)\b|\b(means|"
            r"methods?|modes?|ways?|options?|forms?) of (payment|paying)\b|"
            # the transfer's receipt and its deadline, which the payment text gives
            r"\bhow (do|can|should|would) (i|we) (send|get|email|forward) (you |u )?(the |my )?(transfer )?(receipt|"
            r"proof of (payment|transfer))\b|"
            r"\bhow long do (i|we) have to (transfer|make the transfer|send (you |u )?(the )?(receipt|proof))\b"
        ),
        unless=EN_NOT_POLICY.pattern,
        # where a refund goes, not how to pay: "do refunds go back to the original payment method?"
        unless_in_sentence=REFUND_DESTINATION.pattern,
        matches=(
            "can u tell me how to pay",
            "What are my payment options?",
            "And once I've transferred, how do I send you the receipt and how long do I have to do it?",
        ),
        never=(
            "Which payment method did I use last time?",
            "Hi, my bank sent the transfer back. What payment options do you have?",
        ),
    ),
    # "what cards do you accept?", "which cards are accepted?", "do you take credit card payments?"
    Rule(
        name="payment_methods.cards_accepted_en",
        adds_to="payment_methods",
        weight=3,
        description="which cards the shop accepts",
        pattern=(
            r"\b(what|which) (kinds? of |types? of )?(credit |debit )?cards?\b[^.?!]{0,20}\b(accept|accepted|take|"
            r"taken|use|allowed|work|valid)\b|\b(do|does|can|could) (you|u|your (shop|store|site|website)) (accept|"
            r"take|support|allow) (credit|debit|cards?|visa|master ?card|amex|american express|all cards)\b|"
            r"\bare (credit |debit )?cards accepted\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=("are debit cards accepted?", "What cards do you accept?"),
        never=("Do you accept Mastercard debit? It says card not valid.",),
    ),
    # "is it possible to pay by card?", "can I pay with Apple Pay?": a way of paying the customer names (the
    # canned text must mention it, or decide.py sends the email to the LLM)
    Rule(
        name="payment_methods.can_i_pay_with",
        adds_to="payment_methods",
        weight=3,
        description="whether the customer can pay by a given means ('can I pay with Apple Pay?', 'do you take cash?')",
        pattern=(
            r"\b(is it|it'?s) possible to pay (by|with|in|via|using|through)\b|\b(can|could|may) (i|we) (pay|checkout|"
            r"check out) (by|with|in|via|using|through|on|at|when|upon)\b|\b(can|could|may) (i|we) pay cash\b|"
            # "I'd pay cash when I pick it up at the store"
            r"\b(i'?d|i would|i will|i'?ll|we'?d|we would|happy to) pay (in )?cash (when|if|at|in)\b|"
            # "I'd prefer to pay cash if possible, can I do that if I collect from the shop?"
            r"\b(i'?d|i would|we'?d|we would) (prefer|like|rather|love) (to )?pay (in |by |with )?cash\b|"
            r"\b(do|does|can|could) (you|u) (only |also )?(accept|"
            r"take) (apple pay|google pay|samsung pay|klarna|afterpay|venmo|zelle|cash app|western union|cheques?|"
            r"checks|bitcoin|crypto\w*|cash|paypal|american express|amex|mercado ?pago|bank transfers?|transfers?|"
            r"debit|credit)\b"
        ),
        unless=EN_NOT_POLICY_ANYWHERE.pattern,
        unless_in_sentence=EN_ANOTHER_MATTER.pattern,
        matches=(
            "Could you hold a jacket for me until Saturday? I'd pay cash when I pick it up at the store.",
            "Can I pay in dollars?",
            "Do you take Apple Pay?",
            "Is it possible to pay by card?",
            "Can I pay cash at the shop?",
            "I'd prefer to pay cash if possible, can I do that if I collect from the Palermo shop?",
        ),
        never=("Can I pay with PayPal instead?",),
    ),
    # a way of paying named with "accepted"/"accept": "is cash accepted?", "do u accept rapipago?", "pay options
    # pls", "do you have buy now pay later?"
    Rule(
        name="payment_methods.way_to_pay_accepted",
        adds_to="payment_methods",
        weight=3,
        description="a named way to pay accepted or not ('is cash accepted?', 'do u accept rapipago?'), pay options",
        pattern=(
            r"\b(is|are) " + PAY_WAYS.pattern + r" (accepted|allowed|an option|possible|ok|okay)\b|\b(accept|accepts|"
            r"take|takes|support|supports) " + PAY_WAYS.pattern + r"\b(?! (refunds?|returns?))|\bpay(ing)? options\b"
        ),
        unless=(
            EN_NOT_POLICY.pattern + r"|\b(discounts?|promo\w*|charged|credited|receipt|i did|i sent|checkout|"
            r"only shows?|when it ships)\b"
        ),
        matches=("any pay options?", "do you take pago facil?", "is cash accepted?"),
        never=(
            "Pay options pls, the transfer I did bounced.",
            "Is transfer accepted? I did the transfer and sent the receipt.",
        ),
    ),
)
