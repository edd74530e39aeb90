"""Auto-replies: out-of-office, leave and closure notices, "this address is no longer in use", helpdesk
acknowledgements, in Spanish and English (and the usual subjects in a few more languages). They support the
ignored reason "out_of_office".

Many say what they are only in their text: a normal From, no Auto-Submitted, a reply subject. A customer may
well write "estoy de vacaciones hasta el 20, ¿pueden enviarlo después?", so the text rules come in pairs: a
situation (`AWAY`: away, on leave, closed, left the company) counts only with a word about the reader's mail
(`PROMISE`: will answer on return, mail not read or forwarded, who to call if urgent), and a receipt
(`RECEIVED`) only with a promise to answer (`WILL_ANSWER`: "te responderemos", a ticket number). Each of those is
STRONG on the scale of `robot_common`; a pair decides. `SUBJECT_START` is tried at the start of the subject with
and without its reply prefixes, `SUBJECT` anywhere in it; `TEXT` and the pairs read the head of the sender's own
text (whitespace collapsed), `LINES` the same head line by line.
"""

from __future__ import annotations

from .base import Fragment, Rule
from .robot_common import DECIDES, STRONG

REASON = "out_of_office"

SUBJECT_START = (
    Rule(
        name="robots.autoreplies.subject_auto_reply",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*\[?\s*(auto(matic|matische|mated)?[-_ ]?(reply|response|answer|antwort)|autoreply|"
        r"autoresponse|auto[-_ ]?respuesta|out of (the )?office|ooo\b|respuesta automatica|contestacion automatica|"
        r"fuera de (la )?oficina|(aviso|mensaje|notificacion) de (ausencia|vacaciones)|"
        r"abwesenheits?(notiz|nachricht|meldung)|reponse automatique|reponse en cas d'absence|absent du bureau|"
        r"resposta automatica|fora do escritorio|risposta automatica|fuori ufficio|automatisch antwoord|"
        r"afwezig(heid)?\b|vacation (reply|notice|response|message))",
        description="an auto-reply's subject: 'Respuesta automática:', 'Automatic reply:', 'Out of Office:'",
        matches=(
            "Respuesta automática: Consulta",
            "Automatic reply: Your question",
            "Out of Office: pedido",
            "Autoreply",
            "Fuera de la oficina",
            "Abwesenheitsnotiz: Anfrage",
            "Réponse automatique : question",
            "Aviso de ausencia",
        ),
        never=("Automatic washing of the jacket?", "Office hours?", "Respuesta a tu consulta"),
    ),
    Rule(
        name="robots.autoreplies.subject_away",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*((estoy|me encuentro|i am|i'?m) )?(de vacaciones|vacaciones|ausente|ausencia|de licencia|"
        r"on vacation|vacation|on holiday|on leave|away|away from (the )?office|abwesend|absent|absence|ferias)"
        r"([\s,.:;-]+(hasta|desde|del|de|until|till|from|back|regreso|vuelvo|bis|jusqu)\b.{0,40})?\s*[.!]?\s*$",
        description="a whole subject that only says the sender is away: 'Ausente', 'De vacaciones hasta el 15/3'",
        matches=("Ausente", "De vacaciones hasta el 15/3", "Away until May 5", "On leave"),
        never=("De vacaciones: ¿llega antes del 15?", "Away game jersey", "Ausente el cartero"),
    ),
)

SUBJECT = (
    Rule(
        name="robots.autoreplies.subject_auto_reply_anywhere",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\b(out of (the )?office|automatic reply|auto-?reply|autoreply|respuesta automatica|"
        r"reponse automatique|resposta automatica)\s*:",
        description="an auto-reply label inside the subject: '[EXTERNAL] Automatic reply: ...'",
        matches=("[EXTERNAL] Automatic reply: Order", "RE: Respuesta automática: Consulta"),
        never=("Re: your automatic reply is annoying",),
    ),
)

TEXT = (
    Rule(
        name="robots.autoreplies.says_automatic",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis is an? auto(matic|mated|matically generated)?[- ]?(generated )?(reply|response|message|"
        r"e-?mail|notification|confirmation|acknowledge?ment|notice)\b|"
        r"\bthis (e-?mail|message) (is|was) (an? )?(auto(matic|mated)|automatically generated|sent automatically|"
        r"generated automatically)|"
        r"\b(esta es una|este es un) (respuesta|mensaje|correo|e-?mail|aviso|acuse) (automatic[oa]|automatizad[oa]|"
        r"generad[oa] automaticamente)|\bmensaje automatico de (ausencia|vacaciones)|"
        r"\b(este|esta) (e-?mail|mail|correo|mensaje|respuesta) (se genera|se envia|se envio|se ha generado|se genero|"
        r"fue generad[oa]|ha sido generad[oa]|es generad[oa]|fue enviad[oa]|es enviad[oa]) (de (forma|manera) |"
        r"en forma )?automatic(a|amente)|"
        r"\b(je suis|je serai) (absent|en conge)|\bich bin (derzeit |zurzeit |bis )?.{0,20}(nicht im buro|abwesend|"
        r"im urlaub)|\b(esta e uma|este e um) (resposta|mensagem) automatica|"
        r"\bthis (automatic|automated|auto-generated) (response|reply|message|notice|acknowledge?ment|e-?mail) "
        r"(confirms|is to confirm|acknowledges) (that )?(your|we|receipt)\b|"
        r"\b(ha|has) (rechazado|declinado|declined) (esta|this|tu|your|la|the) (invitacion|invitation|reunion|"
        r"meeting|evento|event)\b",
        description="a text that says it is an automatic reply: 'This is an automated response', 'Este correo se "
        "genera de forma automática'",
        matches=(
            "This is an automatic reply. Thank you for your email.",
            "This is an automated response. I am travelling.",
            "Este es un mensaje automático: no estoy disponible.",
            "Este correo se genera de forma automática.",
            "This email was sent automatically.",
            "Este mensaje se envió automáticamente.",
            "Daniela Ortiz ha rechazado esta invitación.",
            "Mark has declined this invitation.",
            "This automatic response confirms your email reached us.",
        ),
        never=(
            "Recibí una respuesta automática de ustedes pero nadie me contestó.",
            "Is this an automatic renewal?",
            "I hope this is not an automated response",
            "Mi tarjeta fue rechazada automáticamente, ¿puedo pagar por transferencia?",
            "My card was automatically declined at checkout",
        ),
    ),
    Rule(
        name="robots.autoreplies.address_not_in_use",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis (e-?mail )?(address|mailbox|inbox|account|e-?mail account) "
        r"((is|has been) (no longer|not)|isn'?t) "
        r"(monitored|in use|active|checked|read|being (monitored|checked|read))\b|"
        r"\b(esta|este) (direccion|casilla|cuenta|buzon)( de (correo|e-?mail|mail))? (ya )?no (esta en uso|se usa|"
        r"se lee|se revisa|es monitoreada|esta (activa|monitoreada))",
        description="an address that says it is not read: 'This email address is no longer monitored', 'Esta "
        "dirección ya no está en uso'",
        matches=(
            "This email address is no longer monitored.",
            "This mailbox is not monitored.",
            "Esta casilla ya no se usa.",
            "This inbox isn't checked anymore, please write to hello@example.com instead.",
        ),
        never=("My old address is no longer in use, please send it to the new one",),
    ),
)

LINES = (
    Rule(
        name="robots.autoreplies.auto_reply_label",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*\[?[ \t]*(auto-?reply|automatic reply|auto-?response|respuesta automatica|"
        r"mensaje automatico|aviso automatico|auto-?respuesta|resposta automatica|reponse automatique)[ \t]*(\]|:| - )",
        description="a text that opens a line with its own label: 'AUTO-REPLY:', '[Respuesta automática]', "
        "'Mensaje automático:'",
        matches=("AUTO-REPLY: I'm out today.", "[Respuesta automática] Hola", "Mensaje automático: estaré de licencia"),
        never=("Les escribo por la respuesta automática que me llegó",),
    ),
)

# A request to ship or send the reader's order ("please ship it for Monday", "mándenlo a mi casa"), or the reader's
# own parcel ("the parcel will be dealt with when we return"): a notice speaks of neither, so a text that does is a
# person's, and the pairs below do not decide on it (`robots._out_of_office_evidence`), as with a question mark.
ABOUT_THEIR_ORDER = Fragment(
    "about_their_order",
    r"\b(ship|deliver|send) (it|my (order|parcel|package)|the (order|parcel|package)|order #?\d+)\b|"
    r"\b(mand|envi|despach)(enlo|enla|enlos|enlas)\b|\b(manden|envien|despachen) (el|mi|los|mis) (pedido|paquete|"
    r"compra|envio)s?\b|\b(my|our) (order|parcel|package)\b|\bthe (parcel|package)\b|"
    r"\b(mi|nuestro) (pedido|paquete|compra)\b|\bel paquete\b",
    "the reader's own order or parcel, or a request to ship or send it: a person's words, never a notice's",
)

AWAY = (
    Rule(
        name="robots.autoreplies.away",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b((i am|i'?m|i will be|i'?ll be|i shall be|we are|we'?re|we will be|we'?ll be) (currently |now )?"
        r"(out of (the )?office|away|(out )?on (annual |parental |maternity |paternity |sick |medical |"
        r"business |study )?(leave|vacation|holidays?|a business trip|a trip)|travell?ing|absent|out sick|off sick|"
        r"attending a (conference|trade show|training)|driving( right now| at the moment)?)|"
        r"\bmoving (house|offices?) (this week|next week|today|at the moment)|"
        r"\b(on|taking a) sabbatical\b|"
        r"\b(i am|i'?m|we are|we'?re) (on|at|attending) (an? |the )?([\w-]+ ){0,3}(course|workshop|training|seminar|"
        r"trade (fair|show))\b|"
        r"\b(can'?t|cannot|unable to) (get to|check|read|answer|reply to|respond to) (my )?(e-?mails?|messages|mail) "
        r"(right now|at the moment|today|this week)|"
        r"(our|the) (team|office|staff|support team) (is|are) (currently )?(away|out of (the )?office|"
        r"on (holiday|vacation|leave))|"
        r"(estoy|me encuentro|estare|estaremos|nos encontramos|permanecere|permaneceremos|voy a estar|vamos a estar) "
        r"(fuera de (la )?oficina|ausentes?|de vacaciones|de licencia|de viaje|de permiso|con licencia|manejando)|"
        r"(estou|estarei) (fora do escritorio|ausente|de ferias)|"
        # a helpdesk written to out of hours: "you've contacted us outside our business hours"
        r"(contacted|reached|written to|emailed) us outside (of )?(our|those|the|business|office|opening) "
        r"((business|office|opening|working|support) )?hours|"
        r"nos (escribiste|contactaste) fuera de(l)? (nuestro )?horario)",
        description="the sender is away: 'I am out of the office', 'estoy de licencia', 'me encuentro de viaje'",
        matches=(
            "I am out of the office until Monday",
            "I'm away on annual leave until Tuesday",
            "Me encuentro de licencia por maternidad",
            "estoy de viaje por trabajo",
            "Our team is currently away for the long weekend",
            "I'm currently out on paternity leave",
            "You've contacted us outside those hours.",
            "Nos escribiste fuera del horario de atención.",
            "Hi, I'm driving at the moment and can't answer.",
            "On sabbatical until January and not checking this account.",
            "Can't get to email right now, I'll get back to you asap.",
            "Moving house this week so replies will be slow",
            "This week I am on intensive pattern-cutting course and my phone is off.",
        ),
        never=(
            "Estuve ausente cuando vino el cartero",
            "Are you away on Sundays?",
            "Perdón que los contacto fuera del horario",
            "I can't get to the store this week, can you ship it?",
            "My husband is driving me crazy with this order",
        ),
    ),
    Rule(
        name="robots.autoreplies.closed",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b(our|the|nuestr[oa]s?|la|el|las|los) (office|offices|shop|store|studio|warehouse|business|company|"
        r"facilities|oficinas?|local(es)?|tienda|negocio|instalaciones|deposito|empresa|estudio|fabrica|taller) "
        r"(is|are|will be|remains?|will remain|permanecera(n)?|estara(n)?|se encuentra(n)?|permanece(n)?|esta(n)?) "
        r"(currently )?(closed|cerrad[oa]s?)\b|"
        r"\bwe (are|will be|'re|'ll be) closed\b|\b(estamos|estaremos) cerrad[oa]s\b|"
        r"\bno (estaremos|estamos|vamos a estar) (trabajando|atendiendo|operando)\b|"
        r"\bno (estare|estoy|voy a estar) atendiendo\b|"
        r"\bcerramos (por (inventario|vacaciones|balance|mudanza|duelo|feriado)|hasta el|del \d)|"
        r"\b(cierra|cierran|cerrara|cerraran) por (inventario|vacaciones|balance|mudanza|duelo|feriado|fin de ano|las "
        r"fiestas|receso) (desde|hasta|del \d|a partir)\b",
        description="the sender's business is closed: 'Our office is closed for the holidays', 'nuestras oficinas "
        "permanecerán cerradas'",
        matches=(
            "Our office is closed for the holidays from December 23",
            "Nuestras oficinas permanecerán cerradas por vacaciones",
            "The shop is closed for stocktaking until 9 January",
            "no estaremos trabajando del 24 al 1",
            "Hoy no estoy atendiendo, mañana te respondo.",
            "el jueves 2 y el viernes 3 de octubre cerramos por inventario",
            "el taller cierra por fin de año desde el martes 23 de diciembre",
        ),
        never=(
            "Is the store open on Sundays?",
            "¿A qué hora cierran los sábados?",
            "No estoy trabajando, paso a retirar",
            "¿El local cierra por vacaciones en enero?",
        ),
    ),
    Rule(
        name="robots.autoreplies.left_the_organisation",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b((i have|i'?ve) left (the )?(company|firm|organi[sz]ation|business|agency|practice)\b|"
        r"(i have|i'?ve) left [\w&.-]+( [\w&.-]+){0,4} as of\b|i am no longer (with|at|working (at|for|with))\b|"
        r"i'?m no longer (with|at|working (at|for|with))\b|i no longer work (at|for|with)\b|"
        r"ya no (formo parte de|trabajo (en|para)|pertenezco a|me desempeno en)\b|"
        r"(he|ha) dejado de (trabajar|formar parte)\b)",
        description="the sender has left the organisation: 'I have left Acme as of 31 May', 'ya no formo parte de'",
        matches=(
            "Please note that I have left Carter & Lowe as of 31 May.",
            "Please be advised that I am no longer with the company.",
            "Les informo que ya no formo parte de Grupo Andino.",
        ),
        never=("I've left the box at the door", "I left it in the car"),
    ),
)

PROMISE = (
    Rule(
        name="robots.autoreplies.will_answer_later",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b((will|'ll|shall) (respond|reply|answer|get back to you|deal with|read|attend to) "
        r"(to )?(your|all|it|the|as soon|asap|everything|when|upon|on|after|once|then|shortly)|"
        r"we'?ll (respond|reply|get back to you)\b|upon my return|on my return|"
        r"(once|when|after) (we|i) (reopen|return)\b|"
        r"(limited|no|without|intermittent|restricted|sporadic) access to (my |the )?(e-?mail|mail|inbox|correo)|"
        r"for (urgent|immediate) (matters|issues|requests|assistance|enquiries|inquiries|questions)|"
        r"for anything urgent|in case of (an )?(urgency|emergency)|"
        r"if (it is|it'?s|this is|your (matter|enquiry|inquiry|request|query|question) is) urgent|"
        r"if it can'?t wait|in my absence|during my absence|"
        r"(respondere|contestare|leere|revisare) (tu|su|el|los|sus|tus) (mensaje|mail|correo|consulta|e-?mail)|"
        r"(leo|reviso|respondo|contesto) (tu|su) (mensaje|mail|correo|consulta|e-?mail)|"
        r"a mi (regreso|vuelta)|a nuestro regreso|tendre acceso|acceso (limitado|restringido)|"
        r"sin acceso (al|a mi|a) (correo|mail|e-?mail)|(no tengo|no tendre|sin) acceso a (esta|este) (casilla|buzon)|"
        r"en caso de (urgencia|emergencia)|"
        r"(para|por) (temas|asuntos|consultas|casos) urgentes|ante cualquier (urgencia|asunto urgente)|"
        r"si (es urgente|(tu|su) consulta (es urgente|no puede esperar))|en mi ausencia|durante mi ausencia|"
        r"(dare|daremos) respuesta|(sera|seran|va a ser|van a ser) (atendid|respondid|contestad)[oa]s?\b|"
        r"retomaremos (la atencion|las actividades|el trabajo)|responderei|retornarei|"
        r"\breplies (will|may|might) be (slow|slower|delayed)|back to normal (on|next|from|by|tomorrow)|"
        r"(te|le|les) (respondo|contesto) (a la vuelta|cuando (vuelva|regrese)|manana|apenas pueda|"
        r"en cuanto pueda)|(manana|a la vuelta|apenas pueda|en cuanto pueda) (te|le|les) (respondo|contesto)|"
        r"cualquier cosa (escribile|escribirle|comunicate|contactate|hablale) (a|con) [a-z]|"
        r"\b(los|las) (vemos|leemos|respondemos|contestamos|revisamos) recien (el|a partir|desde|la semana|manana)|"
        r"\b(lo|la|los|las|te|le) (respondemos|respondo|contestamos|contesto|vemos|veo|leemos|leo) (a la vuelta|cuando "
        r"(vuelva|volvamos|regrese|regresemos))|a la vuelta (me|nos) (pongo|ponemos) al dia|"
        r"\byou('ll| will) (have|get|receive) (an? |my )?(answer|reply|response)\b)",
        description="a promise about the reader's mail: 'I will respond upon my return', 'for urgent matters', "
        "'responderé tu mensaje a mi regreso', 'su correo será atendido'",
        matches=(
            "I will respond to your message upon my return.",
            "We'll get back to you when we reopen on January 3.",
            "For urgent matters, please contact Sarah.",
            "Su correo será atendido a partir del 26 de agosto.",
            "Si tu consulta no puede esperar, comunicate con Nicolás.",
            "revisaré el correo de forma esporádica",
            "Durante este tiempo no tengo acceso a esta casilla.",
            "I'll answer everything when I'm back, te respondo a la vuelta.",
            "Moving house this week so replies will be slow, back to normal on Monday!",
            "Cualquier cosa escribile a Marcos (marcos@example.com).",
            "los mails y pedidos que entren esos días los vemos recién el lunes 6.",
            "Todo lo que nos escribas en estos días lo respondemos a la vuelta.",
            "A la vuelta me pongo al día con todo, por orden de llegada.",
            "I read all the mails in the evening, so you will have answer latest in 2 days.",
            "Hoy no estoy atendiendo, mañana te respondo.",
        ),
        never=(
            "Can I pick it up when I'm back?",
            "¿Me pueden responder hoy?",
            "Will you reply before Friday?",
            "Cualquier cosa te escribo mañana",
            "Lo vemos el lunes en el local",
            "When will I get a reply to my question?",
        ),
    ),
    Rule(
        name="robots.autoreplies.mail_not_read",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b((won'?t|will not|shall not) be (checking|reading|monitoring|answering) (my |the |this )?"
        r"(e-?mails?|messages|inbox|mailbox|mail)\b|"
        r"\bnot (checking|reading|monitoring) (this|my) (e-?mail |mail )?(account|inbox|mailbox|e-?mail)\b|"
        r"(checking|reading|check|read) (my )?e-?mails? (only )?(occasionally|sporadically|intermittently|"
        r"periodically|infrequently)|"
        r"(messages|e-?mails?|mail)( sent to this address| received)? will not be (forwarded|read|answered)|"
        r"(your|this) (message|e-?mail) (has not been|will not be|was not) forwarded|"
        r"no (voy a estar|estare) (leyendo|revisando|respondiendo|contestando) (el |los |mis )?(correos?|mails?|"
        r"e-?mails?|mensajes)|"
        r"no (leere|revisare|respondere) (el |los |mis )?(correos?|mails?|e-?mails?|mensajes)|"
        r"no (estoy|estare|estamos|estaremos) (mirando|revisando|leyendo|chequeando) (el |los |mis )?(correos?|mails?|"
        r"e-?mails?|mensajes)|"
        r"(revisare|leere|reviso|leo) (el|mi) (correo|mail|e-?mail) (de forma |de manera )?(esporadica|ocasional|"
        r"intermitente)|"
        r"(correos|mensajes|mails|e-?mails)( recibidos)?( durante (este|ese) (periodo|tiempo))? no (seran|van a ser) "
        r"(leidos|reenviados|respondidos)|(tu|su) (correo|mensaje|mail|e-?mail) no (sera|va a ser) (reenviado|leido))",
        description="the reader's mail will not be read or forwarded: 'won't be checking emails', 'los correos no "
        "serán leídos'",
        matches=(
            "I'm away and won't be checking emails.",
            "Your message has not been forwarded.",
            "Los correos recibidos durante este período no serán leídos.",
            "Tu correo no será reenviado.",
            "Estoy de vacaciones en la costa hasta el 20 de enero y no estoy mirando el mail.",
            "On sabbatical until January and not checking this account.",
        ),
        never=("I won't be home, leave it with the neighbour", "No leí el mail de confirmación"),
    ),
)

RECEIVED = (
    Rule(
        name="robots.autoreplies.received_your_message",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b(hemos recibido|we have received|we'?ve received|we received|thank you for contacting (?!me\b)|"
        r"thanks for contacting (?!me\b)|(thank you|thanks) for (reaching out|getting in touch) (to|with) (?!me\b)|"
        r"gracias por (contactarnos|contactarte|comunicarte con nosotros|"
        r"comunicarse con nosotros|escribirnos)|"
        r"recibimos (tu|su) (consulta|mensaje|correo|e-?mail|solicitud|reclamo)|"
        r"your (request|ticket|case|message|e-?mail|enquiry|inquiry)( #?\d+)? (has been|was) (successfully )?"
        r"(received|created|opened|logged|registered|submitted)|"
        r"(a )?(support )?ticket( \(#?\d+\))? has been (created|opened|logged)|"
        r"se ha (creado|generado|registrado) (el|un|tu|su) (ticket|caso|reclamo)|"
        r"(generamos|creamos|abrimos|registramos) (el|un|tu|su) (ticket|caso|reclamo)|"
        r"(tu|su) (mensaje|consulta|reclamo) (fue|ha sido) registrad[oa])",
        description="a receipt for the reader's message: 'Hemos recibido tu consulta', 'A support ticket has been "
        "created'",
        matches=(
            "Gracias por contactarnos. Hemos recibido su consulta",
            "Recibimos tu consulta y generamos el ticket #88213.",
            "Your request #7741 has been received by the Helpdesk.",
            "We've received your request and a support ticket (#55120) has been created.",
            "Your enquiry has been successfully submitted.",
            "Thanks for reaching out to Acme Couriers.",
        ),
        never=("Recibí el pedido ayer", "Thanks for getting in touch so quickly.", "Thanks for reaching out to me"),
    ),
)

WILL_ANSWER = (
    Rule(
        name="robots.autoreplies.will_answer",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b((te|le|les) (responderemos|contestaremos|contactaremos|escribiremos)|"
        r"(te|le|les) va(n)? a (responder|contestar|contactar|escribir)|nos (pondremos|comunicaremos) en contacto|"
        r"(will|shall) (get back|respond|reply|be in touch|contact you)|we'?ll (get back|respond|reply|be in touch)|"
        r"(ticket|case|request) (number|id|#)|(numero|nro\.?|n°|no\.?) de (ticket|caso|reclamo)|"
        r"(ticket|caso) (#|nro|numero))",
        description="a promise to answer, or a ticket number: 'te responderemos', 'we will get back to you', "
        "'número de ticket'",
        matches=(
            "Le responderemos a la brevedad.",
            "Un integrante de nuestro equipo te va a responder",
            "Our team will be in touch shortly.",
            "Número de ticket: 4512",
        ),
        never=("¿Me van a responder?", "When will you get back to me?"),
    ),
)

# One label, read at the start of the subject and anywhere in it: it counts once.
SAME_EVIDENCE = (("robots.autoreplies.subject_auto_reply", "robots.autoreplies.subject_auto_reply_anywhere"),)

RULES = SUBJECT_START + SUBJECT + TEXT + LINES + AWAY + PROMISE + RECEIVED + WILL_ANSWER
