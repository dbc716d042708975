"""Drop the indexes nothing looks up by: every one is written with each message.

The fingerprint's own indexes go (only accepted copies are looked for, through the
partial unique index), as do the pattern indexes beside Message-IDs (looked up by
equality only) and the raw messages' mailbox index (raw_mailbox_status starts with it).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

ACCEPTED_FINGERPRINT = models.UniqueConstraint(
    fields=["fingerprint"],
    condition=Q(status__in=("processed", "ignored")) & ~Q(fingerprint=""),
    name="unique_accepted_fingerprint",
)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_outbound_automatic_kinds"),
        ("tickets", "0009_message_system_note"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailmessageid",
            name="message_id",
            field=models.CharField(max_length=998),
        ),
        # On PostgreSQL, dropping the field's index drops every index on the column, the
        # partial unique one included: it is taken down first and built again after.
        migrations.RemoveConstraint(model_name="rawmessage", name="unique_accepted_fingerprint"),
        migrations.AlterField(
            model_name="rawmessage",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddConstraint(model_name="rawmessage", constraint=ACCEPTED_FINGERPRINT),
        migrations.AlterField(
            model_name="rawmessage",
            name="mailbox",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="raw_messages",
                to="mail.mailbox",
            ),
        ),
        migrations.AlterField(
            model_name="rawmessage",
            name="message_id",
            field=models.CharField(blank=True, max_length=998),
        ),
        migrations.AddIndex(
            model_name="mailmessageid",
            index=models.Index(fields=["message_id"], name="mail_message_id"),
        ),
        migrations.AddIndex(
            model_name="rawmessage",
            index=models.Index(fields=["message_id"], name="raw_message_id"),
        ),
    ]
