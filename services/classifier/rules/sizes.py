"""Sizes as a policy topic: the size table, which size to choose, whether sizes run small or large.

How one named garment fits is a product_question (see `signals.fit_of_a_named_garment`), unless the question is
which size to choose (`fragments.WHICH_SIZE_TO_CHOOSE`), which the size guide answers for any garment. The
customer's own height or weight is answered only by a canned text that says what they tell (`decide._COVERAGE`).
"""

from __future__ import annotations

from .base import Rule
from .fragments import (
    ADVICE_ON_CHOOSING_A_SIZE,
    KNOW_ONES_SIZE,
    ONE_SIZE_OR_THE_NEXT,
    OWN_SIZES_THEN_WHICH,
    SIZE_NOT_SELECTABLE,
    SIZE_RANGE_EN,
    SIZE_RANGE_ES,
    SIZE_TABLE,
    UP_OR_DOWN_IN_BETWEEN,
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="sizes.which_size_es",
        adds_to="sizes",
        weight=3,
        description="the size table, which size to choose, how sizes run, in Spanish ('¿qué talle me recomiendan?')",
        pattern=(
            SIZE_TABLE.pattern + r"|\b(que|cual) talle (me|le|les|deberia|debo|recomiendan|"
            r"recomendas|uso|va|queda|corresponde|pido|elijo|compro|seria|tengo que|pedir|elegir|comprar|comprarle|"
            r"llevar|usar)\b|\b(como|que tal) (calza|calzan|"
            r"vienen de talle|viene de talle|es la horma|es el calce|son los talles)\b|\btalles? (grandes?|chicos?|"
            r"normales?|reales?|americanos?|europeos?|amplios?)\b|\b(vienen|viene|son|es) (grandes?|chic[oa]s?|justos?|"
            r"talle real|amplios?|holgad[oa]s?|ajustad[oa]s?)\b|\bmedidas (de los talles|de la prenda|de cada talle|"
            r"en cm|en centimetros)\b|\bentre (dos )?talles\b"
        ),
        matches=(
            "Antes de comprar: las medidas que aparecen en la tabla, ¿son de la prenda o del cuerpo de la persona?",
            "mido el pecho de una remera mia y comparo con la tabla? asi se hace?",
            "¿Tienen tabla de talles?",
            "ke talle me recomiendan? gracias",
            "¿Cómo calzan las zapatillas?",
            "¿Dónde puedo ver las medidas de cada prenda?",
        ),
    ),
    # "¿qué talle?" alone; not a size someone wears that the customer says they do not know, told as the reason for
    # another question ("no sé bien qué talle usa porque creció mucho. Si no le queda, ¿se puede cambiar?")
    Rule(
        name="sizes.which_size_bare_es",
        adds_to="sizes",
        weight=3,
        description="'¿qué talle?' asked, in Spanish",
        pattern=r"\bque talle\b",
        unless_in_sentence=r"^(?![\s\S]*\?)[\s\S]*\bno (se|sabe|sabemos|sabia|sabiamos)\b",
        matches=("Hola, qué talle es el que viene más grande?", "que talle tienen en stock en la web"),
        never=("Yo no sé bien qué talle usa porque creció un montón. Si no le queda, ¿se puede cambiar?",),
    ),
    Rule(
        name="sizes.which_size_en",
        adds_to="sizes",
        weight=3,
        description="the size chart, which size to get, whether it runs small or true to size, in English",
        pattern=(
            r"\bsize (chart|guide|table)\b|\bwhat size\b|\bwhich size\b|\b(does|do) (it|they|this|these|"
            r"the [a-z- ]{1,20}) (run|fit) (small|large|big|true)\b|\btrue to size\b|\bruns? (small|large|big)\b|"
            r"\bbetween (two )?sizes\b|\bsize (recommendation|advice)\b|"
            # one's size elsewhere, asked in the shop's: "I'm a women's M in most shops, what would I get in yours?"
            r"\bwhat (would|should|do|will) (i|she|he|we) (be|get|take|need|order|wear) in (yours|your (sizes|sizing|"
            r"brand))\b|"
            # measurements to compare: "I have her measurements. Where can I compare these against your garments?"
            r"\bcompare (these|them|my measurements|her measurements|his measurements|the measurements)\b[^.?!]{0,20}"
            r"\b(against|with|to) (your|the) (garments|sizes|clothes|chart|table|guide|measurements)\b"
        ),
        matches=(
            "What size should I get?",
            "Does the hoodie run small?",
            "Hi! Do you have a size guide?",
            "Most brands fit me in an L. What would I take in your sizing?",
            "I've got my bust and hip figures in cm, how do I compare them with your garments?",
        ),
    ),
    # how to know one's own size: the size guide says how to choose it
    Rule(
        name="sizes.how_to_know_my_size",
        adds_to="sizes",
        weight=3,
        description="how the customer can know or choose their size ('¿cómo sé cuál es mi talle?', 'how do I figure "
        "out my size?')",
        pattern=KNOW_ONES_SIZE.pattern,
        matches=(
            "How do I figure out my size?",
            "What is the best way to choose the size?",
            "How would you suggest I pick the right size from your website?",
            "¿Cómo hago para elegir bien el talle de cada uno?",
            "¿Cómo hago para acertar con el talle?",
            "¿Cómo sé cuál es el mío?",
            "quería preguntarles cómo hago para saber qué talle soy",
        ),
        never=("How do I change the size of my order?", "¿Cómo hago para cambiar el talle?"),
    ),
    # advice on choosing asked after the size is named: "no idea of her size... Any advice on choosing?"
    Rule(
        name="sizes.advice_on_choosing",
        adds_to="sizes",
        weight=3,
        description=ADVICE_ON_CHOOSING_A_SIZE.description,
        pattern=ADVICE_ON_CHOOSING_A_SIZE.pattern,
        matches=(
            "I have no idea of her size (and I can't ask her!). Any advice on choosing?",
            "No sé su talle y es sorpresa. ¿Algún consejo para elegir?",
        ),
        never=(
            "Any advice on choosing a colour for a gift?",
            "My daughter is a size M. Any advice on choosing a colour?",
        ),
    ),
    Rule(
        name="sizes.one_size_or_the_next",
        adds_to="sizes",
        weight=3,
        description=ONE_SIZE_OR_THE_NEXT.description,
        pattern=ONE_SIZE_OR_THE_NEXT.pattern,
        matches=(
            "I'm 1.68 m and 62 kg: would that make me a small or a medium?",
            "Mido 1,60 y peso 55, ¿sería S o M?",
            "should I go for an L or an XL?",
            "I'm 5'6\" and 65 kilos: I'd be a small or a medium in your tops?",
        ),
        never=("Is it available in S or M?", "¿Tienen el buzo en S o M?", "I ordered an S or an M, I don't remember."),
    ),
    Rule(
        name="sizes.own_sizes_then_which",
        adds_to="sizes",
        weight=3,
        description="the customer's own sizes told, then which to choose ('uso M en remeras y 42 en pantalones, ¿qué "
        "me conviene?')",
        pattern=OWN_SIZES_THEN_WHICH.pattern,
        matches=("Tengo una duda: uso M en remeras pero en pantalones 42, ¿qué me conviene?",),
        never=("Uso M. ¿Hacen envíos a Salta? ¿Qué me conviene, domicilio o sucursal?",),
    ),
    Rule(
        name="sizes.size_word",
        adds_to="sizes",
        weight=1,
        description="the word talle, medida or size, or a size beyond S to XL: a bare hint",
        pattern=(
            r"\b(talle|talles|medida|medidas|size|sizes|sizing|measurements?|xxs|xs|xxl|xxxl|[2-5]xl|"
            r"triple[- ]?x[- ]?l)\b"
        ),
        # not the size an item is exchanged for: "si no me queda, ¿la puedo cambiar por otro talle?" asks of returns;
        # nor a size the website does not let one choose, the stock text's ("mi talle no aparece para elegir")
        unless_in_sentence=(
            r"\bcambi\w* (\w+ ){0,3}(por|de) (otro|un|el) talle\b|\b(exchange|swap)\w* (\w+ ){0,3}(for|to) (a |another "
            r"|a different |the )?(other |different |bigger |smaller |larger )?size\b|" + SIZE_NOT_SELECTABLE.pattern
        ),
        matches=("¿Tienen talle M?", "Do you have it in other sizes?", "¿Hacen XS?"),
        never=(
            "Si no me queda, ¿la puedo cambiar por otro talle?",
            "Can I exchange it for a different size?",
            "si no aparece el talle es porque no hay?",
        ),
    ),
    Rule(
        name="sizes.up_or_down_in_between_en",
        adds_to="sizes",
        weight=3,
        description=UP_OR_DOWN_IN_BETWEEN.description,
        pattern=UP_OR_DOWN_IN_BETWEEN.pattern,
        matches=(
            "Would you recommend going up or down if he's in between?",
            "If I'm in between, should I size up?",
        ),
        never=("Can I exchange it for a size up?",),
    ),
    Rule(
        name="sizes.like_another_countrys",
        adds_to="sizes",
        weight=3,
        description="whether the sizes match another country's ('do your sizes run like US sizes?')",
        pattern=(
            r"\b(do|does|are|would) (your|the|ur) sizes? ((run|fit|compare|match|correspond|work|go|be)( like| to|"
            r" with| the same as)?|(the )?same as|like|similar to|equivalent to) (the )?(us|uk|eu|european|american|"
            r"british|usa)\b|\b(sus|los) talles (son|coinciden|"
            r"corresponden|equivalen)( iguales)? (como|a|con) (los )?(de )?(estados unidos|eeuu|usa|europa|espana|"
            r"brasil|americanos|europeos)\b|"
            # any country's, or "ours" of a customer from elsewhere: "do your sizes match ours or the US ones?"
            r"\b(do|does|are|would|will) (your|the|ur) sizes? (match|correspond( to)?|line up with|equal) (ours|(the )?"
            r"(us|uk|eu|european|american|british|australian|aussie|canadian|mexican|brazilian|chilean|italian|french|"
            r"spanish|german) (sizes?|sizing|ones))\b"
        ),
        matches=(
            "Hi, I'm used to Aussie sizing, do your sizes match ours or the US ones?",
            "Do your sizes run like US sizes?",
            "¿Sus talles coinciden con los americanos?",
            "are your sizes the same as US sizes or do they run different?",
        ),
        never=(
            "Do you ship to the US?",
            "Did you change your sizing? Do your sizes match the old ones?",
            "Do your sizes match the ones on the model in the photo?",
        ),
    ),
    Rule(
        name="sizes.how_sizes_run_es",
        adds_to="sizes",
        weight=3,
        description="how the sizes run, asked with 'talles' first ('¿los talles son normales o vienen chicos?')",
        pattern=(
            r"\b(los )?talles (son|vienen|salen|calzan)\b[^.?!]{0,30}\b(americanos?|argentinos?|europeos?|normales?|"
            r"reales?|chicos?|grandes?|justos?|amplios?|holgados?|como)\b|\bcomo (vienen|salen|son) (los )?talles\b"
        ),
        matches=(
            "¿Los talles salen chicos o normales?",
            "hola como va? los talles son normales o vienen chicos?",
        ),
    ),
    Rule(
        name="sizes.size_chart_en",
        adds_to="sizes",
        weight=3,
        description="a size or sizing chart, guide or table, and sizing information",
        pattern=(
            r"\bsiz(e|ing) (charts?|guides?|tables?)\b|\bsizing (info(rmation)?|guide|chart|table)\b|\b(charts?|"
            r"tables?|guides?|lists?) of (measurements|sizes)\b|\bmeasurements (of|for) (each|every|the|your) "
            r"(garment|item|piece|product|clothe)s?\b|\bwhere (can|do) (i|we) (see|find|check) (the )?measurements\b|"
            # in a second language's words: "you have a table with measures?", "the measures table"
            r"\b(charts?|tables?|guides?|lists?) (with|of) (the )?((actual|exact|real|garment|each garment'?s) )?"
            r"(measures|medidas|measurements)\b|\bmeasure(ment)?s? (charts?|tables?)\b"
        ),
        matches=(
            "Is there a sizing chart?",
            "Where can I find sizing information?",
            "Is there a chart of measurements on your website?",
            "Where can I see the measurements of each garment?",
            "Sorry for my english. I don't know my size. You have a table with measures?",
            "Is there a chart with the actual measurements so we can check against a coat she has?",
        ),
    ),
    # the range of sizes the shop makes, a size between two, the unisex line: the size guide answers each for any
    # garment (a garment named makes it that product's question, `signals.fit_of_a_named_garment`)
    Rule(
        name="sizes.range_of_sizes_es",
        adds_to="sizes",
        weight=3,
        description="the sizes the shop makes, two sizes to choose between, how the unisex line runs, in Spanish",
        pattern=SIZE_RANGE_ES.pattern,
        matches=(
            "Hola, ¿tienen XS?",
            "Estoy entre M y L, ¿cuál pido?",
            "¿Cómo vienen las prendas de la línea unisex? En ropa de mujer uso M.",
            "¿Qué talles manejan?",
            "¿Ustedes hacen talles grandes o llegan hasta XL como casi todas las marcas?",
            "Necesito confirmar qué rango de talles manejan",
            "¿el XXL lo tienen en todos los modelos o solo en algunos?",
        ),
        never=("¿Tienen la remera en M?", "Me quedó chico el M, lo quiero cambiar por L"),
    ),
    Rule(
        name="sizes.range_of_sizes_en",
        adds_to="sizes",
        weight=3,
        description="the sizes the shop makes, two sizes to choose between, how the unisex line fits, in English",
        pattern=SIZE_RANGE_EN.pattern,
        matches=(
            "Do you make an XS?",
            "Do you do plus sizes?",
            "How does the unisex line fit? I wear women's M.",
            "I'm between M and L, which one?",
            "What's the biggest size you make?",
            "Hi, is XXL available in all your styles or only some?",
            "Hello. I am small woman. You have XS size",
            "tell me what sizes you make, do you go up to triple xl?",
        ),
        never=("Do you have the linen shirt in M?", "I ordered an M and it is too small"),
    ),
)
