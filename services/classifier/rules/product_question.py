"""A question about one product: its fabric, care, fit, colours, measurements, price, or whether it comes in a
size or colour. The catalogue answers it (the LLM has it), never a canned FAQ text.

The engine adds a signal of its own (`signals.fit_of_a_named_garment`): a sizes question that names a garment asks
how that product fits.
"""

from __future__ import annotations

from .base import Rule
from .fragments import COLOUR, EDGE_SIZE, ONE_GARMENT, SIZE

RULES: tuple[Rule, ...] = (
    Rule(
        name="product_question.fabric_care_fit_es",
        adds_to="product_question",
        weight=3,
        description="fabric, warmth, washing, colours, measurements or price of a product, in Spanish",
        pattern=(
            r"\b(de )?que (tela|material|tejido) (es|son|esta hech[oa]|estan hech[oa]s|tiene|tienen)\b|\b(material|"
            r"tela|tejido|composicion)\b.{0,40}\?|\b(es|son) (impermeable|abrigad[oa]s?|termic[oa]s?|de algodon|100 ?%|"
            r"elastizad[oa]s?|transparente|de lana|de cuero|de jean|de friza|frizad[oa])\b|\b(se puede|puedo|como|"
            r"se pueden) (lavar|planchar|secar)\b|\blavarropas\b|\bse (destine|encoge|achica|estira|deforma|"
            r"decolora|transparenta|trasluce|arruga)\b|"
            # photos or a video of a product asked for ("¿me pueden mandar fotos de la campera puesta?")
            r"\b(mandar|mandarme|enviar|enviarme|pasar|pasarme|mandan|envian|pasan)\w* (unas |mas |otras )?(fotos|"
            r"videos?)\b|\b(tienen|hay|tenes|queda|quedan|viene|vienen)\b.{0,40}\b(en|de) (otros?|otras?|"
            r"mas) (colou?r(es)?|modelos?|estampas?)\b|\bque colores\b|\b(colores|modelos) (disponibles|tienen|hay)\b|"
            r"\b(es|son) (igual|iguales|como) (a|en) la foto\b|\b(cuanto|que) (mide|miden)\b|\b(largo|ancho|tiro|manga|"
            r"cintura|cadera|busto|contorno) (de|del|de la|total)\b|\bprecio (de|del|de la|de los)\b|"
            r"\bcuanto (sale|salen|cuesta|cuestan|vale|valen|esta|estan) (el|la|los|las|este|esta|estos|estas)\b"
            r"(?! (envio|flete|despacho|costo de envio|shipping|delivery))|"
            # the product first: "¿las medias de lana cuánto salen?" (not a place: "el envío a la plata cuánto sale")
            r"(?<!\ba )(?<!\bde )(?<!\ben )(?<!\bpara )\b(el|la|los|las|este|esta|estos|estas) (?!(envio|flete|"
            r"despacho|costo|cambio|devolucion|retiro|transferencia|cuotas?|etiqueta|seguimiento|entrega|recargo)\b)"
            r"\w+( de \w+)? cuanto (sale|salen|cuesta|cuestan|vale|valen)\b"
        ),
        matches=(
            "Hola! ¿Hacen envíos a Córdoba? ¿Me pueden mandar fotos de la campera puesta?",
            "¿Aceptan Mercado Pago? Y otra cosa, ¿la remera blanca se transparenta?",
            "¿La campera es impermeable?",
            "¿El buzo gris es de algodón? ¿Y hacen envíos a Jujuy?",
            "¿Se puede lavar en lavarropas?",
            "¿Cuánto sale la campera de jean?",
            "¿Aceptan transferencia? ¿Cuánto salen las medias?",
            "¿Hacen envíos a Jujuy? Y otra cosa, ¿las medias de lana cuánto salen?",
        ),
        never=(
            "¿Cuánto sale el envío a Rosario?",
            "hola q tal, el envio a la plata cuanto sale?",
            "hola! cuanto sale el shipping a Rosario?",
        ),
    ),
    # "¿tienen la remera blanca en talle L?": availability of one product in one size or colour (the catalogue
    # answers it; the stock FAQ only says how to check)
    Rule(
        name="product_question.in_a_size_or_colour_es",
        adds_to="product_question",
        weight=3,
        description="whether a product comes in a given size or colour, in Spanish ('¿tienen talle M?')",
        pattern=(
            r"\b(tienen|hay|tenes|queda|quedan|tendran|tendrian|vienen?)\b.{0,40}\b(en|del|de) (talle "
            + SIZE.pattern
            + r"|colou?r \w+|"
            + COLOUR.pattern
            + r")\b|\b(tienen|hay|tenes|queda|quedan)\b (el |la )?"
            r"(talle " + SIZE.pattern + r"|colou?r \w+)\b|"
            # a size looked for or asked for in one garment ("busco un XXXL en el vestido floreado", "¿tienen XXL en
            # el chino azul?")
            r"\b(busco|quiero|necesito|quisiera|me interesa|tienen|tenes|hay|queda|quedan|tendran|viene|vienen)"
            r"( el| un| una)?( talle)? (" + SIZE.pattern + r") (en|de|para) " + ONE_GARMENT.pattern
        ),
        # the smallest or largest size with no product named asks the range of sizes made ("¿tienen talle XXL en
        # las remeras?")
        unless=r"^(?![\s\S]*"
        + ONE_GARMENT.pattern
        + r")(?![\s\S]*\btalle (?!"
        + EDGE_SIZE.pattern
        + r"\b)"
        + SIZE.pattern
        + r"\b)(?=[\s\S]*\b"
        + EDGE_SIZE.pattern
        + r"\b)",
        matches=(
            "¿Tienen talle M?",
            "hola tenes talle m? gracias",
            "tienen la remera blanca en talle L?",
            "¿Tienen la campera negra en talle XXL?",
            "¿Tienen talles grandes? Busco un XXXL en el vestido floreado.",
            "¿tienen XXL en el chino azul marino?",
        ),
        never=("¿Tienen talle XXL en las remeras?", "¿Hay talle XXXL?"),
    ),
    Rule(
        name="product_question.fabric_care_fit_en",
        adds_to="product_question",
        weight=3,
        description="fabric, care, colours, sizes in stock, price or measurements of a product, in English",
        pattern=(
            # not the sizes made ("or just not made in that size")
            r"\b(what|which) (material|fabric)\b|\bmade (of|from|in)\b(?! (that|this|my|a|an|all|every|each|bigger|"
            r"larger|smaller|big|large|plus) sizes?\b)(?! (xxs|xs|s|m|l|xl|xxl|xxxl|\dxl)\b)|"
            r"\b(fabricad[oa]s?|hech[oa]s?) en\b|\btienen (el|"
            r"la|los|las) \w+( \w+)? en (talle )?(\d{2}|xs|s|m|l|xl)\b|\b(fabric|material|cotton|wool|polyester|"
            r"linen)\b[^.!?\n]{0,30}\?|\bwaterproof\b|\b(machine )?washable\b|\bhow (to|do i|should i|can i) wash\b|"
            r"\bshrinks?\b|\b(does|do) (it|this|they|these|the "
            # not the large sizes across the range ("do the bigger ones come in all of your designs?")
            r"(?!(bigger|larger|big|large|plus|smaller|extended)[- ](ones|sizes?) come in (all|every|each|most)\b)"
            r"[a-z- ]{1,20}) come (in|with)\b|"
            # photos or a video of a product asked for ("could you send me more photos of the green dress?")
            r"\b(send|share|show|email)\w* (me |us )?(some |more |other |a few |any )?(photos|pictures|pics|videos?)\b|"
            # not an exchange "for other colour"
            r"\b(what|which|(?<!\bfor )other) colou?rs?\b|"
            r"\b(do you have|have you got|is there|are there)\b.{0,40}\bin (an? )?(size|colou?r|"
            r"black|white|blue|red|grey|gray|green|pink|beige|xs|small|medium|large|xl|s|m|l|\d{2})\b|\bhow much (is|"
            r"does|are) (the|this|these|it)\b(?! shipping)(?![^.?!\n]{0,20}\b(ship|shipping|deliver|delivery|send|"
            r"discount|transfer)\b)(?! (usually |normally )?cost to (get|ship|send|deliver|have|post|mail)\b)|"
            # a price asked, not one told in a story ("it cost more than half the price of the t-shirt"); one
            # garment's length, not every garment's, which the size guide gives ("the length of each shirt")
            # an attribute of one product asked ("Also, is the black jacket real leather?", "does it have pockets?")
            r"\b(is|are) (it|they|the [a-z]+( [a-z]+)?) (made of |real |genuine |100% |fully )?(leather|suede|cotton|"
            r"wool|linen|silk|denim|lined|padded|insulated|see[- ]through|sheer|stretchy|stretch)\b|\b(does|do) (it|"
            r"they|the [a-z]+( [a-z]+)?) have (pockets?|a hood|a lining|lining|a zip(per)?|buttons)\b|"
            r"\bprice of\b[^.!\n]{0,60}\?|\b(length|width|dimensions) of\b(?! (each|every|all|your) )"
            r"(?! (the |your )?(shirts|dresses|trousers|pants|jeans|tops|jackets|coats|hoodies|sweaters|garments|items|"
            r"clothes|pieces)\b)"
        ),
        # "it" is the delivery named before it: "how long does delivery take and how much does it cost?"
        unless_in_sentence=(
            r"\b(delivery|shipping|postage|ship|deliver)\b[^.?!]{0,60}\bhow much (is|does|are) (it|that)\b"
        ),
        # ... or a discount asked about just before: "Is the transfer discount still on? How much is it?"
        # ("you take something off if one pays by transfer, how much is it?")
        unless=r"\b(discount|take (something|\d+ ?%) off|\d+ ?% off|money off)\b[^.!\n]{0,60}\bhow much "
        r"(is|does|are) (it|that)\b",
        matches=(
            "Do you ship to Córdoba? Also, could you send me more photos of the green dress?",
            "What is the dress made of?",
            "I'd like to know if it shrinks after washing",
            "Do you have the hoodie in size M?",
            "How much is the denim jacket?",
            "Hi, what's your returns policy? Also, is the black jacket real leather?",
            "Does the parka have a hood?",
        ),
        never=(
            "How much is the shipping to Rosario?",
            "How much is it to ship to Salta?",
            "Is the discount for paying by bank transfer still on? How much is it?",
            "If I pay by transfer, do I still get the discount, and how much is it?",
            "A friend said you take something off if one pays by transfer, is that right and how much is it?",
            "What sizes do you make, and do the bigger ones come in all of your designs?",
            "Can she change it for other colour?",
            "How much is the discount for paying by transfer?",
            "If a size isn't showing, does that mean it's sold out or just not made in that size?",
            "Do you have the length of shirts somewhere on the site?",
            "How long does delivery take to Bariloche and how much does it cost?",
            "I'm between S and M for the wool coat. Which one should I pick?",
            "Another shop charged more than half the price of the t-shirt to ship it. How much is yours?",
            "Do you have the length of each shirt somewhere on the site?",
        ),
    ),
    Rule(
        name="product_question.price_lining_size_es",
        adds_to="product_question",
        weight=3,
        description="a product's price, lining, hood or pockets, shrinking, or a shoe size, in Spanish",
        pattern=(
            r"\b(que|cual es el) precio (tiene|tienen|tendria)\b|\b(vienen?|tiene|tienen|trae|traen|lleva|llevan) "
            r"(con |sin )?(frisa|forro|capucha|bolsillos?|cierres?|botones|elastico|abrigo|tiras|manijas?|cordon)\b|"
            r"\b(encoge|encogen|achica|achican|destine|destinen|se estira|se estiran)\b|"
            r"\bvienen? en (talle |el |numero )?\d{2}\b"
        ),
        matches=(
            "¿Las zapatillas vienen en 41?",
            "¿El pantalón viene con bolsillos?",
            "¿Qué precio tiene la campera rompeviento?",
            "Hola! ¿Hacen envíos a Córdoba? Ah y la mochila negra ¿tiene bolsillo para notebook?",
        ),
    ),
)
