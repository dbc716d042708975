"""The time rules every new desk starts with.

Closing solved tickets after four days is on: a customer who writes again within that
time reopens their ticket, later they start a new one. The pending pair (remind after
three days, solve after seven) is shipped switched off, because whether a desk waits for
its customers this way is its own decision; both count calendar days until an admin picks
a business-hours calendar for them.
"""

from django.db import migrations

REMINDER = {
    "en": {
        "subject": "[#{{ ticket.number }}] We are waiting for your answer: {{ ticket.subject }}",
        "body": (
            "Hello {{ customer.first_name }},\n\n"
            "a few days ago we asked you something about your request #{{ ticket.number }} "
            "and have not heard from you since. Please answer us when you can, so that we "
            "can go on helping you.\n\n{{ ticket.url }}\n\n{{ brand.name }}"
        ),
    },
    "ru": {
        "subject": "[#{{ ticket.number }}] Мы ждём вашего ответа: {{ ticket.subject }}",
        "body": (
            "Здравствуйте, {{ customer.first_name }}!\n\n"
            "Несколько дней назад мы задали вам вопрос по обращению #{{ ticket.number }}, "
            "но пока не получили ответа. Пожалуйста, ответьте, когда сможете, чтобы мы "
            "могли продолжить работу.\n\n{{ ticket.url }}\n\n{{ brand.name }}"
        ),
    },
    "tr": {
        "subject": "[#{{ ticket.number }}] Yanıtınızı bekliyoruz: {{ ticket.subject }}",
        "body": (
            "Merhaba {{ customer.first_name }},\n\n"
            "Birkaç gün önce #{{ ticket.number }} numaralı talebinizle ilgili size bir soru "
            "sorduk, ancak henüz yanıt alamadık. Size yardımcı olmaya devam edebilmemiz için "
            "lütfen uygun olduğunuzda yanıt verin.\n\n{{ ticket.url }}\n\n{{ brand.name }}"
        ),
    },
    "fi": {
        "subject": "[#{{ ticket.number }}] Odotamme vastaustasi: {{ ticket.subject }}",
        "body": (
            "Hei {{ customer.first_name }},\n\n"
            "kysyimme sinulta muutama päivä sitten pyyntöösi #{{ ticket.number }} liittyen, "
            "emmekä ole vielä saaneet vastausta. Vastaathan, kun ehdit, jotta voimme jatkaa "
            "asiasi hoitamista.\n\n{{ ticket.url }}\n\n{{ brand.name }}"
        ),
    },
}

PENDING = {"field": "status", "operator": "is", "value": "pending"}
SOLVED = {"field": "status", "operator": "is", "value": "solved"}


def create_defaults(apps, schema_editor):
    EmailTemplate = apps.get_model("automation", "EmailTemplate")
    TimeRule = apps.get_model("automation", "TimeRule")
    reminder = EmailTemplate.objects.create(
        name="Waiting for your answer (to the customer)", variants=REMINDER
    )
    TimeRule.objects.create(
        name="Remind the customer after 3 days pending",
        description="Switch on to remind customers who have not answered a question.",
        is_active=False,
        position=1,
        anchor="status_changed",
        amount=3,
        unit="days",
        conditions_all=[PENDING],
        actions=[{"type": "email_requester", "template": reminder.pk}],
    )
    TimeRule.objects.create(
        name="Solve after 7 days pending",
        description="Switch on to solve requests whose customer has not answered for a week.",
        is_active=False,
        position=2,
        anchor="status_changed",
        amount=7,
        unit="days",
        conditions_all=[PENDING],
        actions=[{"type": "set_status", "value": "solved"}],
    )
    TimeRule.objects.create(
        name="Close 4 days after solving",
        description="A closed ticket is final: it no longer reopens when the customer writes.",
        position=3,
        anchor="solved",
        amount=4,
        unit="days",
        conditions_all=[SOLVED],
        actions=[{"type": "set_status", "value": "closed"}],
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("automation", "TimeRule").objects.filter(
        name__in=[
            "Remind the customer after 3 days pending",
            "Solve after 7 days pending",
            "Close 4 days after solving",
        ]
    ).delete()
    apps.get_model("automation", "EmailTemplate").objects.filter(
        name="Waiting for your answer (to the customer)"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("automation", "0004_time_rules")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
