"""The triggers every new desk starts with; admins may change, switch off or delete them.

- Acknowledge a new request: a customer who opens a request through the portal, chat or
  any channel but e-mail gets its number at once, in their language. E-mail is left out
  because each mailbox acknowledges its own new requests (its "acknowledge new requests"
  setting), with the reply threaded into the customer's conversation.
- Tell the assignee about a customer reply, in the agent's language.
"""

from django.db import migrations

ACKNOWLEDGEMENT = {
    "en": {
        "subject": "[#{{ ticket.number }}] We have your request: {{ ticket.subject }}",
        "body": (
            "Hello {{ customer.first_name }},\n\n"
            "thank you for writing to {{ brand.name }}. We have received your request and "
            "given it the number {{ ticket.number }}. We will answer you as soon as we can.\n\n"
            "You can follow your request and add to it here:\n{{ ticket.url }}\n\n"
            "{{ brand.name }}"
        ),
    },
    "ru": {
        "subject": "[#{{ ticket.number }}] Мы получили ваше обращение: {{ ticket.subject }}",
        "body": (
            "Здравствуйте, {{ customer.first_name }}!\n\n"
            "Спасибо, что написали в {{ brand.name }}. Мы получили ваше обращение и присвоили "
            "ему номер {{ ticket.number }}. Мы ответим вам как можно скорее.\n\n"
            "Следить за обращением и дополнить его можно здесь:\n{{ ticket.url }}\n\n"
            "{{ brand.name }}"
        ),
    },
    "tr": {
        "subject": "[#{{ ticket.number }}] Talebinizi aldık: {{ ticket.subject }}",
        "body": (
            "Merhaba {{ customer.first_name }},\n\n"
            "{{ brand.name }} ekibine yazdığınız için teşekkür ederiz. Talebinizi aldık ve "
            "{{ ticket.number }} numarasını verdik. En kısa sürede size yanıt vereceğiz.\n\n"
            "Talebinizi buradan takip edebilir ve ekleme yapabilirsiniz:\n{{ ticket.url }}\n\n"
            "{{ brand.name }}"
        ),
    },
    "fi": {
        "subject": "[#{{ ticket.number }}] Pyyntösi on vastaanotettu: {{ ticket.subject }}",
        "body": (
            "Hei {{ customer.first_name }},\n\n"
            "kiitos, että otit yhteyttä {{ brand.name }}-palveluun. Olemme vastaanottaneet "
            "pyyntösi, ja sen numero on {{ ticket.number }}. Vastaamme sinulle "
            "mahdollisimman pian.\n\n"
            "Voit seurata pyyntöäsi ja täydentää sitä täällä:\n{{ ticket.url }}\n\n"
            "{{ brand.name }}"
        ),
    },
}

CUSTOMER_REPLIED = {
    "en": {
        "subject": "[#{{ ticket.number }}] {{ customer.name }} wrote: {{ ticket.subject }}",
        "body": (
            "Hello {{ assignee.first_name }},\n\n"
            "{{ customer.name }} wrote on ticket #{{ ticket.number }}, which is assigned to "
            "you:\n\n{{ message.text }}\n\nOpen the ticket: {{ ticket.agent_url }}"
        ),
    },
    "ru": {
        "subject": "[#{{ ticket.number }}] Новое сообщение от {{ customer.name }}: {{ ticket.subject }}",
        "body": (
            "Здравствуйте, {{ assignee.first_name }}!\n\n"
            "В назначенном вам обращении #{{ ticket.number }} новое сообщение от "
            "{{ customer.name }}:\n\n{{ message.text }}\n\n"
            "Открыть обращение: {{ ticket.agent_url }}"
        ),
    },
    "tr": {
        "subject": "[#{{ ticket.number }}] {{ customer.name }} yazdı: {{ ticket.subject }}",
        "body": (
            "Merhaba {{ assignee.first_name }},\n\n"
            "Size atanmış #{{ ticket.number }} numaralı talebe {{ customer.name }} yeni bir "
            "mesaj yazdı:\n\n{{ message.text }}\n\nTalebi açın: {{ ticket.agent_url }}"
        ),
    },
    "fi": {
        "subject": "[#{{ ticket.number }}] {{ customer.name }} kirjoitti: {{ ticket.subject }}",
        "body": (
            "Hei {{ assignee.first_name }},\n\n"
            "{{ customer.name }} kirjoitti sinulle osoitettuun tikettiin "
            "#{{ ticket.number }}:\n\n{{ message.text }}\n\n"
            "Avaa tiketti: {{ ticket.agent_url }}"
        ),
    },
}


def create_defaults(apps, schema_editor):
    EmailTemplate = apps.get_model("automation", "EmailTemplate")
    Trigger = apps.get_model("automation", "Trigger")
    acknowledgement = EmailTemplate.objects.create(
        name="Request received (to the customer)", variants=ACKNOWLEDGEMENT
    )
    replied = EmailTemplate.objects.create(
        name="Customer wrote (to the assignee)", variants=CUSTOMER_REPLIED
    )
    Trigger.objects.create(
        name="Acknowledge a new request",
        description=(
            "Tells a customer at once that their request arrived and gives its number. "
            "E-mail requests are acknowledged by their mailbox instead."
        ),
        position=1,
        events=["created"],
        conditions_all=[
            {"field": "author", "operator": "is", "value": "customer"},
            {"field": "channel", "operator": "is_not", "value": "email"},
        ],
        actions=[{"type": "email_requester", "template": acknowledgement.pk}],
    )
    Trigger.objects.create(
        name="Tell the assignee about a customer reply",
        description="E-mails the assigned agent each new message from the customer.",
        position=2,
        events=["customer_message"],
        conditions_all=[{"field": "assignee", "operator": "is_not", "value": ""}],
        actions=[{"type": "email_assignee", "template": replied.pk}],
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("automation", "Trigger").objects.filter(
        name__in=["Acknowledge a new request", "Tell the assignee about a customer reply"]
    ).delete()
    apps.get_model("automation", "EmailTemplate").objects.filter(
        name__in=["Request received (to the customer)", "Customer wrote (to the assignee)"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("automation", "0002_triggers")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
