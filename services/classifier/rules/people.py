"""The customer wants a person (human_request) or is angry (complaint): both go to a person, never to a canned text.

human_request wins over everything else and complaint over every other intent (see `intents` for the precedence),
so these rules are phrases that leave no doubt, not single words: a bare "reclamo" or "disappointed" weighs 2 and
never decides alone.
"""

from __future__ import annotations

from .base import Rule
from .fragments import ABOUT_ANOTHER_SHOP

RULES: tuple[Rule, ...] = (
    # ---- human_request: the customer wants a person
    Rule(
        name="people.talk_to_a_person_es",
        adds_to="human_request",
        weight=3,
        description="'hablar con una persona / un asesor / el dueño'",
        pattern=(
            r"\bhablar con (una |alguna |algun |un |el |la )?(persona|humano|alguien|asesor[a]?|operador[a]?|"
            r"representante|vendedor[a]?|encargad[oa]|responsable|supervisor[a]?|gerente|duen[oa]|humana)"
        ),
        matches=("Quiero hablar con una persona", "Es una estafa, quiero hablar con el dueño"),
    ),
    Rule(
        name="people.no_bot_es",
        adds_to="human_request",
        weight=3,
        description="a real person asked for, or a bot refused, in Spanish ('atención humana', 'no quiero un bot')",
        pattern=(
            r"\b(atencion|persona|asesor) (humana|real|de verdad)|\bpersona de verdad\b|\bno (quiero|"
            r"me sirve) (hablar con |que me (conteste|responda) )?(un |una )?(bot|robot|maquina|contestador|ia|"
            r"inteligencia artificial)"
        ),
        matches=(
            "Necesito atención humana, por favor",
            "No quiero que me responda un robot",
            "no me sirve hablar con una máquina",
        ),
    ),
    Rule(
        name="people.call_me_es",
        adds_to="human_request",
        weight=3,
        description="the customer asks to be phoned, in Spanish ('que me llamen', 'llámenme', '¿pueden llamarme?')",
        pattern=(
            r"\b(que )?me (llame|llamen|contacte|contacten) (por telefono|al|a mi|un|una|alguien)|\bllam(en|a)me\b|"
            r"\b(pueden|podrian|podes|puede) llamarme\b|"
            # "¿me pueden llamar al 11...?", "¿me podrían contactar por WhatsApp?"
            r"\b(me|nos) (pueden|podrian|podes|puede|podria|podrias) (llamar|contactar|escribir por whatsapp)\b|"
            # "me llaman al 11 4444 5555", "me llamás a este número"
            r"\b(me|nos) (llaman|llamas) (al|a este|a mi)\b"
        ),
        matches=(
            "Por favor que me llamen al 11 5555-1234",
            "Llámenme cuando puedan",
            "¿Pueden llamarme hoy?",
            "¿Me pueden llamar al 11 4444 5555? Quiero saber si hacen envíos a Tandil.",
            "¿Hacen envíos a Salta? Me llaman al 11 4444 5555 así lo coordinamos.",
        ),
    ),
    Rule(
        name="people.reach_an_agent",
        adds_to="human_request",
        weight=3,
        description="a live agent or an operator, or a person to contact ('comunicarme con alguien')",
        pattern=(
            r"\b(live|human|real) (agent|person|operator|representative|rep)\b|\b(an |the )?operator\b|\b(contact|"
            r"reach|call|get) (a|an|some|the) ?(person|human|agent|representative)\b|\b(comunicarme|contactarme|"
            r"contactar|hablar) con (una persona|alguien|un asesor|un operador|atencion al cliente|un representante)\b"
        ),
        matches=(
            "I need a live agent",
            "How do I reach a human?",
            "Necesito comunicarme con atención al cliente",
        ),
    ),
    Rule(
        name="people.talk_to_a_human_en",
        adds_to="human_request",
        weight=3,
        description="'talk to a human', 'a real person', 'not a bot', 'call me', in English",
        pattern=(
            r"\b(talk|speak|chat) (to|with) (a |an |some |the )?(human|person|real person|someone|somebody|agent|"
            r"representative|manager|supervisor|owner|staff)|\breal (person|human)\b|\bhuman (agent|being|support|"
            r"representative)\b|\bnot (a |an )?(bot|robot|ai)\b|\b(call|phone|ring) me\b|\bgive me a call\b"
        ),
        matches=("Can I talk to a real person?", "I want to speak with the manager", "please give me a call"),
    ),
    Rule(
        name="people.someone_to_talk_to_es",
        adds_to="human_request",
        weight=3,
        description="'¿hay alguien con quien pueda hablar?', 'que un encargado me llame'",
        pattern=(
            r"\b(alguna persona|alguien) con (quien|la que|el que) (pueda|puedo|podria) hablar\b|\b(que )?(alguien|"
            r"una persona|un encargado|una encargada|un asesor) (me )?(llame|contacte|comunique|atienda)\b"
        ),
        matches=(
            "Por favor, que un encargado me llame",
            "¿Hay alguien con quien pueda hablar? Es por un tema puntual",
        ),
    ),
    # a person, asked as a question: "can a human help me?", "can someone real answer me?", "can I call you?",
    # "is there a phone number for customer service?"
    Rule(
        name="people.can_a_person_help",
        adds_to="human_request",
        weight=3,
        description="a person asked for as a question, or the phone number of customer service",
        pattern=(
            r"\bcan (a|an|some) (human|real person|person|staff member|agent)\b|\b(someone|somebody) real\b|\bcan (i|"
            r"we) (call|phone|ring) (you|the shop|the store|someone)\b|\bphone (number|"
            r"line)\b[^.?!]{0,25}\b(customer (service|support|care)|support|you|the (shop|store))\b|"
            r"\b(customer (service|support|care)|support) (phone|number|line|hotline)\b|"
            # someone asked to get in touch: "could a representative contact me?", "get your manager to call me",
            # "is there a phone number I can call?"
            r"\b(could|can|would|will) (a|an|your|the|some) (representative|rep|agent|manager|supervisor|person|"
            r"human|staff member|owner)\b[^.?!]{0,15}\b(contact|call|phone|ring|email) (me|us)\b|\b(get|have|ask) "
            r"(your|the|a|an) (manager|supervisor|representative|agent|owner|person|staff member) (to )?(contact|call|"
            r"phone|ring|email) (me|us)\b|\bphone number (i|we) (can|could) (call|ring|use)\b"
        ),
        matches=(
            "can I phone the shop?",
            "what's the customer service number",
            "can an agent help me with something",
            "Could a representative contact me? I have a question about delivery.",
            "Please have your manager call me about the order.",
            "Is there a phone number I can call?",
        ),
    ),
    # ---- complaint: anger, threats, repeated unanswered mail
    Rule(
        name="people.anger_es",
        adds_to="complaint",
        weight=3,
        description="anger or a threat in Spanish ('estafa', 'vergüenza', 'defensa del consumidor', 'nunca más')",
        pattern=(
            # not "me da vergüenza preguntar" (embarrassment, not anger)
            r"\b(estafa\w*|estafador\w*|chorr[oa]s|ladron\w*|"
            r"(?<!\bda )(?<!\bda un poco de )(?<!\bda mucha )verguenza|pesim[oa]s?|horrible|malisim[oa]|un desastre|"
            # fed up, not the Chilean "a lot of" ("en harta ropa no me entra nada")
            r"indignad[oa]|furios[oa]|(estoy|estamos|ya estoy|me tienen|nos tienen|quede|quedamos) hart[oa]s?|"
            r"hart[oa]s? de|defensa del consumidor|denuncia\w*|carta documento|"
            r"reclamo formal|libro de quejas|queja formal|una falta de respeto|inaceptable|lamentable|"
            r"nunca mas (les )?compro|no (les )?compro (nunca )?mas|mala atencion|muy mala atencion)\b|"
            # a lawyer brought in, not the writer's profession ("soy abogado", a signature line starting "Abogado" or
            # "Abogado - T° 42"), unless the writer represents someone
            r"\b(?<!\bsoy )(?<!-)(?<=[^\n])abogad[oa]s?\b(?![ \t]*[-,]?[ \t]*(t\W|tomo\b|mat\w*|cpacf|folio))"
            # nor a firm's name ending its line ("Bianchi & Ruiz Abogados")
            r"(?<!\babogados(?=[ \t]*(\n|$|[-|][ \t])))|"
            r"\bsoy abogad[oa]\b[^.?!]{0,80}\b(represent\w*|mi client\w*|en nombre de)"
        ),
        unless_in_sentence=ABOUT_ANOTHER_SHOP.pattern,
        matches=(
            "Es una estafa, quiero hablar con el dueño",
            "Es una vergüenza, nadie me responde hace una semana",
            "Voy a ir a Defensa del Consumidor",
            "Si no me responden, lo paso a mi abogado",
            "Mi hermano es abogado y me dijo que por ley tienen que aceptarla",
            "Soy abogado y represento a una clienta de ustedes",
            "Ya lo consulté con abogados.",
            "Estoy harta de esperar una respuesta",
        ),
        never=(
            "Soy abogado y quería saber si hacen envíos a Tucumán",
            "Saludos cordiales,\nDra. Ana Ruiz\nBianchi & Ruiz Abogados\nTel. 4311-0000",
            "Dr. Pablo Ríos\nAbogado - T° 12 F° 40",
            "Saludos,\nDra. Sol Pérez\nPérez Abogados - Mitre 1122, Rosario\nTel. 0341 420-6633",
            "Me da un poco de vergüenza preguntar, pero ¿vienen en XXL?",
            "¿Tienen talles grandes? Uso XXL y en harta ropa argentina no me entra nada",
        ),
    ),
    Rule(
        name="people.unanswered_es",
        adds_to="complaint",
        weight=3,
        description="mail written again and again with no answer, in Spanish ('es la tercera vez', 'nadie responde')",
        pattern=(
            r"\b(es|ya es|esta es) la (segunda|tercera|cuarta|quinta|\d+) vez\b|\bvengo (reclamando|escribiendo|"
            r"esperando)\b|\bnadie (me |nos )?(responde|contesta|contesto|respondio|da respuesta|dio respuesta|"
            r"atiende)\b|\bno (me |nos )?(contestan|responden|dan respuesta|atienden)\b|\bsin respuesta\b|"
            r"\bsigo sin (respuesta|novedades)\b"
        ),
        matches=(
            "Es una vergüenza, nadie me responde hace una semana",
            "Es la tercera vez que escribo",
            "Sigo sin respuesta de ustedes",
        ),
    ),
    Rule(
        name="people.anger_en",
        adds_to="complaint",
        weight=3,
        description="anger, a threat or repeated unanswered mail, in English ('scam', 'worst', 'nobody answers')",
        pattern=(
            r"\b(scam\w*|fraud\w*|rip-?off|disgust\w*|unacceptable|outrag\w*|terrible (service|experience|company|"
            r"customer service)|worst|awful|appall\w*|disgrace\w*|ridiculous|lawyer|legal action|report you|"
            r"better business bureau|chargeback|never (again|ordering again|buying again|buy from you)|furious|angry|"
            r"shameful|pathetic)\b|\bthis is the (second|third|fourth|fifth|\d+(st|nd|rd|th)) time\b|\b(no one|nobody|"
            r"no-one) (answers|responds|replies|answered|responded|replied|has (replied|answered|responded)|got back|"
            r"ever (answers|answered|replies|replied))\b|\bstill no (answer|response|reply)\b|"
            # a grievance asked as a question: "why is delivery so slow?"
            r"\bwhy (is|are|was|were) (the |your )?(delivery|deliveries|shipping|service|customer service|support|"
            r"everything)\b[^.?!]{0,15}\bso (slow|bad|poor|terrible|awful)\b"
        ),
        unless_in_sentence=ABOUT_ANOTHER_SHOP.pattern,
        matches=(
            "This is the third time I write, terrible service",
            "This shop is a scam",
            "Still no answer from you guys",
            "I'm writing again because nobody answered.",
            "Why is delivery so slow?",
        ),
    ),
    Rule(
        name="people.formal_complaint",
        adds_to="complaint",
        weight=3,
        description="a complaint the customer says they are filing ('file a complaint', 'hacer un reclamo')",
        pattern=(
            r"\b(file|lodge|make|submit|open|raise|register|put in)\b.{0,25}\b(complaint|claim|reclamation)\b|\b(hacer|"
            r"presentar|iniciar|dejar|poner|realizar) (un |una )?(reclamo|queja|denuncia)\b"
        ),
        matches=("Quiero hacer un reclamo", "I would like to file a formal complaint"),
    ),
    Rule(
        name="people.complaint_word",
        adds_to="complaint",
        weight=2,
        description="a word of discontent ('queja', 'reclamo', 'disappointed', 'not happy'): a hint, never alone",
        pattern=(
            r"\b(queja|quejas|me quejo|reclamo|reclamar|decepcion\w*|muy mal|mal servicio|complain\w*|disappoint\w*|"
            r"dissatisf\w*|unhappy|not happy|poor service|bad service|upset)\b"
        ),
        unless_in_sentence=ABOUT_ANOTHER_SHOP.pattern,
        matches=("Quiero hacer un reclamo", "I'm really disappointed", "Estoy decepcionada"),
    ),
    # anger without the usual words: "your customer service is useless", "I'm fed up with your store"
    Rule(
        name="people.fed_up",
        adds_to="complaint",
        weight=3,
        description="anger without the usual words ('useless', 'fed up', 'carísimo', 'así no se puede', 'isn't true')",
        pattern=(
            r"\b(useless|fed up|sick of|sick and tired|incompetent|unprofessional|a joke|(is|that'?s|this is) (crazy|"
            r"insane)|carisim[oa]s?|asi no se puede|mala experiencia|bad experience|no es cierto|isn'?t true|not true|"
            r"es una locura|un robo|daylight robbery|frustrat\w*)\b"
        ),
        unless_in_sentence=ABOUT_ANOTHER_SHOP.pattern,
        matches=(
            "honestly your website is useless",
            "I'm fed up with your store",
            "Me parece carísimo cobrar $9.000 de envío a Córdoba. Así no se puede.",
        ),
        # anger at another shop, told before a question to this one
        never=(
            "Les cuento que en otra tienda me cobraron recargo en 3 cuotas sin avisar, un robo. ¿Tienen cuotas?",
            "Most local brands stop at a size L, which is useless for a tall guy like me. Do you make XXL?",
        ),
    ),
)
