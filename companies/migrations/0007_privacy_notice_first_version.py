"""The first version of the privacy notice (Mexico's LFPDPPP, Peru's Law 29733), in force at
once; staff publish later versions in the admin."""

from django.db import migrations
from django.utils import timezone

RESPONSIBLE = (
    "El organismo de promoción comercial que opera TradePortal (sus datos de identificación y "
    "domicilio se completan en la administración del sitio al ponerlo en producción)."
)

BODY_ES = """Este aviso explica qué datos personales trata TradePortal, para qué, cuánto tiempo los conserva, a quién los transfiere y cómo puede usted ejercer sus derechos. Cumple la Ley Federal de Protección de Datos Personales en Posesión de los Particulares (México) y la Ley N.º 29733, Ley de Protección de Datos Personales, y su reglamento (Perú).

# Quién es responsable de sus datos
El responsable (México) y titular del banco de datos (Perú) es quien figura arriba como responsable. Puede escribirle a la dirección de contacto de privacidad indicada en este aviso.

# Qué datos tratamos
Datos de su cuenta: nombre, correo electrónico, contraseña (guardada solo como huella Argon2, nadie puede leerla), idioma y preferencias de avisos. Datos de su empresa que usted captura: razón social, RFC o RUC, región, tamaño, sectores, productos (códigos SA), certificaciones, idiomas, descripción y, cuando usted los agregue, los teléfonos y nombres de contacto de las tarjetas de contacto. Su actividad en el sitio: coincidencias, interés expresado («me interesa»), respuestas, solicitudes de compra y los correos que le enviamos. Datos técnicos: dirección IP y registros del servidor, usados para seguridad y límites de intentos. No tratamos datos sensibles.

# Para qué los usamos
Finalidades necesarias para el servicio: crear y proteger su cuenta; verificar empresas; mostrar la demanda del otro mercado y calcular coincidencias entre su empresa, oportunidades y empresas contraparte; avisarle por correo de coincidencias, interés recibido y respuestas según sus preferencias; atender sus solicitudes. Finalidad secundaria: estadísticas agregadas y anónimas de resultados (por ejemplo, cuántos contactos llevaron a un negocio) para mejorar el programa. Puede oponerse a la finalidad secundaria escribiendo a la dirección de contacto, sin que ello afecte el servicio.

# A quién transferimos sus datos
Cuando usted expresa interés en una oportunidad o en una empresa, o responde a un interés, la empresa contraparte, en México o en Perú, recibe los datos de contacto de su empresa: esta transferencia internacional entre México y Perú es el propósito del servicio y se realiza con su consentimiento, que usted otorga al aceptar este aviso y al pulsar «me interesa». El perfil público de una empresa verificada que eligió ser pública se muestra en el directorio. Los proveedores que nos prestan alojamiento y envío de correo tratan los datos solo por nuestra cuenta (encargados) y no los usan para fines propios. No vendemos sus datos. Las autoridades los reciben solo cuando la ley lo exige.

# Cuánto tiempo los conservamos
Mientras su cuenta exista. Una cuenta cuyo correo no se verificó se borra a los 30 días de creada. Al borrar su cuenta, sus datos se eliminan de la base de datos en ese momento y desaparecen de las copias de seguridad cuando vence la última copia que los contiene (a lo sumo 12 meses). Los datos de su empresa se conservan mientras la empresa tenga miembros.

# Sus derechos ARCO y cómo ejercerlos
Usted puede Acceder a sus datos, Rectificarlos, Cancelarlos (suprimirlos) y Oponerse a su tratamiento, así como revocar su consentimiento. Desde su cuenta puede hacerlo de inmediato: descargar todos sus datos (acceso), corregir su perfil y el de su empresa o cambiar su correo (rectificación), borrar su cuenta (cancelación) y dejar de recibir avisos (oposición), en la página «Mis datos y mi cuenta». También puede enviar su solicitud a la dirección de contacto de privacidad, indicando su nombre, el correo de su cuenta, el derecho que ejerce y lo que pide; le pediremos confirmar que la solicitud viene de su correo. Respondemos en un plazo máximo de 20 días hábiles (México) y en los plazos del reglamento de la Ley 29733 (Perú: 20 días hábiles para el acceso y 10 días hábiles para rectificación, cancelación u oposición). Si no está conforme con la respuesta, puede acudir a la autoridad de protección de datos de su país: en México, la autoridad que la ley designa para la protección de datos personales en posesión de particulares; en Perú, la Autoridad Nacional de Protección de Datos Personales del Ministerio de Justicia y Derechos Humanos.

# Cambios a este aviso
Cada versión de este aviso lleva un número y una fecha. Si lo cambiamos, se lo pediremos aceptar de nuevo la próxima vez que entre al sitio, y le mostraremos qué cambió."""

BODY_EN = """This notice explains which personal data TradePortal processes, why, how long it keeps them, to whom it transfers them and how you can exercise your rights. It complies with Mexico's Federal Law on the Protection of Personal Data Held by Private Parties and Peru's Law No. 29733, the Personal Data Protection Law, and its regulation.

# Who is responsible for your data
The party responsible (Mexico) and owner of the data bank (Peru) is the one shown above as responsible party. You can write to the privacy contact address given in this notice.

# What data we process
Your account: name, email address, password (stored only as an Argon2 hash: nobody can read it), language and notification preferences. Your company's data that you enter: legal name, RFC or RUC, region, size, sectors, products (HS codes), certifications, languages, description and, when you add them, the phone numbers and names of the contact cards. Your activity on the site: matches, interest expressed ("I'm interested"), answers, buyer requests and the emails we send you. Technical data: IP address and server logs, used for security and attempt limits. We process no sensitive data.

# What we use them for
Purposes the service needs: creating and protecting your account; verifying companies; showing the other market's demand and computing matches between your company, opportunities and counterpart companies; emailing you about matches, interest received and answers as your preferences say; handling your requests. Secondary purpose: aggregated, anonymous statistics of outcomes (for example how many contacts led to business) to improve the programme. You can object to the secondary purpose by writing to the contact address without affecting the service.

# To whom we transfer your data
When you express interest in an opportunity or a company, or answer an interest, the counterpart company, in Mexico or in Peru, receives your company's contact details: this international transfer between Mexico and Peru is the purpose of the service and happens with your consent, given by accepting this notice and by pressing "I'm interested". The public profile of a verified company that chose to be public is shown in the directory. The providers that host the site and send its email process the data only on our behalf (processors) and never for their own purposes. We do not sell your data. Authorities receive them only where the law requires it.

# How long we keep them
As long as your account exists. An account whose email was never verified is deleted 30 days after it was created. When you delete your account, your data leave the database at once and leave the backups when the last backup holding them expires (at most 12 months). Your company's data are kept while the company has members.

# Your ARCO rights and how to exercise them
You may Access your data, Rectify them, Cancel (erase) them and Object to their processing, and withdraw your consent. From your account you can do so at once: download all your data (access), correct your and your company's profile or change your email (rectification), delete your account (cancellation) and stop notifications (objection), on the "My data and my account" page. You can also send your request to the privacy contact address with your name, your account's email, the right you exercise and what you ask for; we will ask you to confirm that the request comes from your address. We answer within 20 business days at most (Mexico) and within the periods of the regulation of Law 29733 (Peru: 20 business days for access, 10 business days for rectification, cancellation or objection). If you disagree with the answer, you can turn to your country's data-protection authority: in Mexico, the authority the law designates for personal data held by private parties; in Peru, the National Authority for the Protection of Personal Data of the Ministry of Justice and Human Rights.

# Changes to this notice
Each version of this notice has a number and a date. If we change it, we will ask you to accept it again the next time you visit the site and show you what changed."""


def first_version(apps, schema_editor):
    PrivacyNotice = apps.get_model("companies", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=1,
        defaults={
            "responsible": RESPONSIBLE,
            "contact_email": "privacidad@tradeportal.local",
            "body_es": BODY_ES,
            "body_en": BODY_EN,
            "published_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("companies", "0006_privacy")]
    operations = [migrations.RunPython(first_version, migrations.RunPython.noop)]
