"""A trigger every new desk starts with: tell an agent a ticket was assigned to them.

Routing and other agents assign tickets; the agent hears of it by e-mail, in their
language, and may answer that e-mail (a reply to the customer, or a note), see
docs/channels.md. Agents who assign a ticket to themselves get no e-mail about it.
"""

from django.db import migrations

TEMPLATE_NAME = "Ticket assigned (to the assignee)"
TRIGGER_NAME = "Tell an agent a ticket was assigned to them"

ASSIGNED = {
    "en": {
        "subject": "[#{{ ticket.number }}] Assigned to you: {{ ticket.subject }}",
        "body": (
            "Hello {{ assignee.first_name }},\n\n"
            "ticket #{{ ticket.number }} from {{ customer.name }} is now assigned to you:\n"
            "{{ ticket.subject }}\n\n"
            "Open the ticket: {{ ticket.agent_url }}"
        ),
    },
    "ru": {
        "subject": "[#{{ ticket.number }}] Назначено вам: {{ ticket.subject }}",
        "body": (
            "Здравствуйте, {{ assignee.first_name }}!\n\n"
            "Обращение #{{ ticket.number }} от {{ customer.name }} теперь назначено вам:\n"
            "{{ ticket.subject }}\n\n"
            "Открыть обращение: {{ ticket.agent_url }}"
        ),
    },
    "tr": {
        "subject": "[#{{ ticket.number }}] Size atandı: {{ ticket.subject }}",
        "body": (
            "Merhaba {{ assignee.first_name }},\n\n"
            "{{ customer.name }} tarafından açılan #{{ ticket.number }} numaralı talep "
            "artık size atandı:\n{{ ticket.subject }}\n\n"
            "Talebi açın: {{ ticket.agent_url }}"
        ),
    },
    "fi": {
        "subject": "[#{{ ticket.number }}] Osoitettu sinulle: {{ ticket.subject }}",
        "body": (
            "Hei {{ assignee.first_name }},\n\n"
            "asiakkaan {{ customer.name }} tiketti #{{ ticket.number }} on nyt osoitettu "
            "sinulle:\n{{ ticket.subject }}\n\n"
            "Avaa tiketti: {{ ticket.agent_url }}"
        ),
    },
}


def create_defaults(apps, schema_editor):
    EmailTemplate = apps.get_model("automation", "EmailTemplate")
    Trigger = apps.get_model("automation", "Trigger")
    template = EmailTemplate.objects.create(name=TEMPLATE_NAME, variants=ASSIGNED)
    position = Trigger.objects.count() + 1
    Trigger.objects.create(
        name=TRIGGER_NAME,
        description="E-mails an agent when a ticket is assigned to them by someone else.",
        position=position,
        events=["assignee_changed"],
        conditions_all=[{"field": "assignee", "operator": "is_not", "value": ""}],
        actions=[{"type": "email_assignee", "template": template.pk}],
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("automation", "Trigger").objects.filter(name=TRIGGER_NAME).delete()
    apps.get_model("automation", "EmailTemplate").objects.filter(name=TEMPLATE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("automation", "0007_agent_off_shift")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
