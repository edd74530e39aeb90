"""Stock as a policy topic: whether the shop has stock in general, restocking, what the website shows as available.
The canned text says how to check; one product in one size or colour is a product_question instead.
"""

from __future__ import annotations

from .base import Rule
from .fragments import HOLD_AN_ITEM, SIZE_NOT_SELECTABLE, WEBSITE_LETS_ONE_CHOOSE

# The store, the website, and whether the two hold the same stock, read either way round
_THE_STORE = r"(local|tienda fisica|store|shop)"
_THE_WEB = r"(web|pagina|online|website|site)"
_SAME_OR_NOT = r"(mismo|misma|mismas|mismos|same|different|distint[oa]s?|diferentes?)"
# ... or more or other things of the stock in one of them ("¿en el local tienen otras prendas que no están en la
# página?"), not more hours, instalments or discounts
_MORE_OF_THE_STOCK = (
    r"(mas|otr[oa]s|more|other) (talles|prendas|modelos|cosas|colores|productos|stock|mercaderia|sizes|items|things|"
    r"styles|clothes|colou?rs|products)"
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="stock.size_not_selectable",
        adds_to="stock",
        weight=3,
        description="what a size or colour that cannot be chosen on the website means",
        pattern=SIZE_NOT_SELECTABLE.pattern,
        matches=(
            "The green one isn't showing my size at all. Will it come back?",
            "Some items I cannot click the XXL, does that mean sold out?",
            "Si un talle aparece en gris, ¿es que no hay más?",
            "En varias prendas no me deja elegir el talle L, ¿están agotados?",
            "If a size is greyed out on the website, does that mean it's sold out?",
            "Some items I cannot click the XL size, is it sold out?",
        ),
    ),
    # Whether the store has what the website has: the stock text says the Palermo store has the same stock.
    Rule(
        name="stock.same_at_the_store",
        adds_to="stock",
        weight=3,
        description="whether the store has the same stock as the website",
        pattern=(
            rf"\b{_THE_STORE}\b[^.?!]{{0,40}}\b{_SAME_OR_NOT}\b[^.?!]{{0,30}}\b{_THE_WEB}\b|"
            rf"\b{_THE_WEB}\b[^.?!]{{0,40}}\b{_SAME_OR_NOT}\b[^.?!]{{0,30}}\b{_THE_STORE}\b|"
            rf"\b{_THE_STORE}\b[^.?!]{{0,50}}\b{_MORE_OF_THE_STOCK}\b[^.?!]{{0,40}}\b{_THE_WEB}\b|"
            # the other way round: "lo que veo en la web, ¿lo van a tener en el local, o tiene otra mercadería?"
            r"\b(el local|la tienda|the store|the shop) (tiene|tendra|has|carries) (otra|otras|otro|otros|distint\w*|"
            r"different|other)\b[^.?!]{0,20}\b(mercaderia|cosas|prendas|stock|things|items|stuff)\b|"
            # "is what's on the website also in the shop?", "is everything online also at the store?"
            r"\b(what'?s|what is|everything|all|the (things|items|clothes|stuff)) (on|in) the (website|site|web|online "
            r"shop)( also)? (in|at|available (in|at)) the (store|shop)\b|"
            r"\blo que (esta|hay|veo|ven|tienen) en la (web|pagina)[^.?!]{0,20}\b(tambien|lo tienen|esta|hay) en el "
            r"local\b|\b(everything|all|what'?s|what is) online "
            r"(also )?(in|at) the (store|shop)\b|"
            # "si algo figura con stock en la web, ¿lo encuentro también en el local?"
            r"\b(con stock|disponible|en stock) en la (web|pagina)\b[^.?!]{0,50}\b(en el|al) local\b|"
            r"\b(in stock|available) (on|in) (the|your) (website|site|web|online shop)\b[^.?!]{0,50}\b(in|at) "
            r"(the|your) (store|shop)\b"
        ),
        matches=(
            "Y lo que veo en la web, ¿lo van a tener en el local, o el local tiene otra mercadería distinta?",
            "¿Lo que tienen en el local es lo mismo que está en la web?",
            "Does the store carry the same things as the website?",
            "Hi, is what's on the website also in the shop?",
            "Hola, ¿lo que está en la web también está en el local?",
            "si algo figura con stock en la web, lo encuentro también en el local?",
            "If something is in stock on the website, will I find it in the store too?",
            "Or is what you have in the shop different to what's online anyway?",
            "¿En el local tienen otras prendas o talles que no están en la página?",
            "Si voy al local de Palermo puede ser que tengan más talles que en la web?",
        ),
        never=(
            "¿El local abre los mismos días que atienden por mail?",
            "¿En el local se puede pagar en más cuotas que en la web?",
            "¿El local abre más tarde que lo que dice la web?",
        ),
    ),
    # Whether the shop holds an item not paid for: the stock text says it does not. A hold paid for first is another
    # question.
    Rule(
        name="stock.hold_an_item",
        adds_to="stock",
        weight=3,
        description="whether the shop holds or reserves an item until the customer comes or pays",
        pattern=HOLD_AN_ITEM.pattern,
        unless=r"\b(ya (lo |la )?(pague|abone)|pagad[oa]|abonad[oa]|already paid|paid for|(si|if) (lo |la |i )?"
        r"(pago|abono|pay) (ahora|ya|now|online|today|hoy))\b",
        matches=(
            "¿Me pueden guardar una campera hasta el viernes? La pago en el local",
            "¿Separan prendas?",
            "¿Puedo dejar una seña para que me guarden dos remeras?",
            "Could you put one aside for me until I come by?",
            "Can you hold a jumper for me till next week?",
            "If I put a jacket in my basket tonight and pay tomorrow, will it still be there?",
        ),
        never=(
            "¿Me pueden reservar un talle M si lo pago ahora?",
            "Can you hold my order? I already paid for it",
        ),
    ),
    Rule(
        name="stock.in_stock_es",
        adds_to="stock",
        weight=3,
        description="stock, restocking or availability asked in Spanish ('¿hay stock?', '¿cuándo reponen?', 'agotado')",
        pattern=(
            r"\b(hay|tienen|queda|quedan|tenes|tendran|habra|van a tener|vuelven a tener) (stock|disponibilidad)\b|"
            # "esgotado", "repõem": the same words in Portuguese, which some customers mix in
            r"\bsin stock\b|\b(agotad|esgotad)[oa]s?\b|\b(reponen|repone|reponer|repondran|reposicion|repoem)\b|"
            r"\bvuelven? a (entrar|"
            r"haber|ingresar|estar disponibles?|tener)\b|\bel stock\b|\bstock de\b|\bdisponibilidad\b|\b(avisame|"
            r"avisenme) cuando\b|"
            # how often new goods come in: "¿cada cuánto les entra mercadería?"
            r"\b(entra|entran|ingresa|ingresan|llega|llegan|les entra) (mercaderia|mercancia)\b|\bcada cuanto "
            r"(reponen|renuevan|les entra|entra|ingresa|llega)\b|"
            # goods brought in again: "¿cuándo vuelven a traer mercadería?", "¿van a traer más stock?"
            r"\b(vuelven|volveran|van a volver) a traer\b|\b(traen|traeran|van a traer) (mas )?(mercaderia|mercancia|"
            r"stock)\b"
        ),
        matches=(
            "el stock de la web es real?",
            "cuando reponen el buzo gris?",
            "Hola, ¿cuándo vuelven a entrar las zapatillas blancas?",
            "¿cada cuánto les entra mercadería?",
            "NO HAY MI TALLE EN EL SWEATER. ¿CUANDO VUELVEN A TRAER?",
            "¿Van a traer más stock de camperas este invierno?",
            "Muitas coisas aparecem esgotadas, ¿ustedes repõem?",
        ),
    ),
    Rule(
        name="stock.in_stock_en",
        adds_to="stock",
        weight=3,
        description="'in stock', 'sold out', 'restock', 'when will it be available / back', in English",
        pattern=(
            r"\bin stock\b|\bout of stock\b|\bback in stock\b|\brestock\w*\b|\b(sold|sells?|selling) out\b|"
            r"\bavailability\b|\b(items?|products?|clothes|things|sizes?|models?) (without|with no) stock\b|"
            # not a return sent back ("who pays the postage when I send something back?")
            r"\b(when|will) (?![^.?!]{0,30}\b(send|post|bring|mail|take|ship|give)\b).{0,30}\b(be )?(available|back)\b|"
            # whether what the website shows is really there: "if a colour is available on the website, is it really?"
            r"\b(available|selectable|showing|shows|listed)\b[^.?!]{0,20}\b(on|in) (the|your) (website|site|web|page|"
            r"shop online)\b[^.?!]{0,40}\b(really|actually|truly|for real|confirm)\b|"
            # what is sold out coming back in general: "if something's out in my size, do you get it back in
            # eventually?", "does it usually come back?" (not a parcel returned to the shop)
            r"\b(do|does|will|would) (you|u) (ever |usually |eventually |normally )?(get|bring) (it|them|things|items|"
            r"sizes|stuff) back( in)?\b(?! (to|from)\b)|\b(do|does|will|would) (it|they|things|items|sizes|stuff|"
            r"everything) (usually |ever |eventually |normally )?come back\b(?! (to|from)\b)"
        ),
        matches=(
            "if something's out in my size, do you get it back in eventually?",
            "Will the black jacket be back in stock?",
            "Hi, will you restock last season's items?",
            "Does everything that sells out come back eventually?",
            "Hello, when the products without stock return?",
        ),
        never=(
            "Who pays the postage when I send something back?",
            "If nobody is home, does the parcel come back to you?",
        ),
    ),
    # "available" qualifying a way of shipping or paying ("is in-store pickup available?", "which payment methods are
    # available?") says nothing about stock
    Rule(
        name="stock.available_word",
        adds_to="stock",
        weight=1,
        description="the word stock, disponible or available, unless it qualifies a way of shipping or paying",
        pattern=r"\b(stock|disponible|disponibles|available)\b",
        unless=(
            r"\b(options?|methods?|pick ?-?up|pickup|collection|delivery|shipping|payment|services?|choices?|"
            r"installments?|instalments?)\b[^.?!]{0,25}\bavailable\b|\bavailable (shipping|delivery|payment|options?|"
            r"methods?|couriers?)\b"
        ),
        matches=("is the dress available in black", "¿Está disponible el buzo gris?"),
        never=("is home delivery available?", "Is in-store pickup available?", "Which payment methods are available?"),
    ),
    # what the website shows is in stock: the general stock policy
    Rule(
        name="stock.what_the_website_shows_es",
        adds_to="stock",
        weight=3,
        description="whether what the website shows as available really is ('lo que figura en la página, ¿está?')",
        pattern=(
            r"\b(la web|la pagina|el sitio|publicad[oa]s?|figura|aparece|dice)\b[^.?!]{0,30}\b(disponibles?|en stock|"
            r"hay stock)\b|\b(esta|estan) disponibles? o\b|"
            # "si en la página me deja elegir el talle, ¿es seguro que lo tienen?"
            + WEBSITE_LETS_ONE_CHOOSE.pattern
            + r"[^?]{0,60}\b(es (seguro|porque|que)|lo tienen|(lo )?hay|esta)\b"
        ),
        matches=(
            "Lo que figura en la página, ¿está disponible?",
            "¿Lo publicado en la web está en stock?",
            "Si en la web me deja elegir el color, ¿es seguro que lo tienen?",
        ),
    ),
    # the "Avisame" button and being told when things come back: the stock text says how it works
    Rule(
        name="stock.told_when_it_is_back",
        adds_to="stock",
        weight=3,
        description="how the 'Avisame' / 'Notify me' button works, whether the shop tells when things come back",
        pattern=(
            r"\b(lo de|el boton|la opcion|la funcion|el de|toco|toque|tocar|tocas|apreto|apretar|aprete) \"?"
            r"(avisame|avisenme)\b|\b(como|que) (funciona|es|hace) (lo de |el boton |el |la opcion )?\"?(avisame|"
            r"avisenme)\b|\b(forma|manera|modo) de que (me )?avisen\b|\bnotify[- ]me\"? (button|thing|feature|option|"
            r"link)\b|\bhow (does|do) (the )?\"?notify[- ]me\b|\b(way|option) to (be |get )?(notified|told|informed|an "
            r"alert|an email)\b(?=[^.?!]{0,40}\b(back|restock\w*|in stock|available)\b)|"
            # "will you tell me when it comes back or do I have to keep checking?"
            r"\b(will|would|do|can|could) (you|u) (tell|notify|email|let) (me|us)( know)? (when|once|if) (it|they|"
            r"something|things|items|sizes|that|those)( \w+)? (comes?|is|are|gets?) back\b(?! (to|from)\b)"
        ),
        matches=(
            '¿Cómo funciona lo de "Avisame"?',
            'Si toco "Avisame", ¿tengo que elegir el talle?',
            "How does the notify me button work?",
            "Is there a way to be notified when sold out sizes come back?",
            "if a jacket I like sells out, do you let me know when it comes back, or do I keep looking?",
        ),
        never=(
            "Avisame cuando llegue mi pedido",
            "Is there a way to get notified when my order ships?",
            "Will you email me when the parcel comes back to you?",
        ),
    ),
)
