"""An article entry keeps its body as plain text, which snippets quote.

Each search turned the HTML of every hit into text again (about 0.2 ms an article);
the index computes that text anyway. Existing entries get theirs from their
translation's HTML here, in batches.

The column is added with ALTER TABLE on both databases: Django would rebuild SQLite's
table to add a NOT NULL column, and the rebuild drops the triggers that keep the FTS5
index in step.
"""

from django.db import migrations, models

BATCH = 500


def fill_texts(apps, schema_editor):
    from concierge.helpcenter.markdown import html_to_text

    entries = apps.get_model("search", "ArticleEntry")
    last_pk = 0
    while True:
        batch = list(
            entries.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "translation__body_html")[:BATCH]
        )
        if not batch:
            return
        entries.objects.bulk_update(
            [entries(pk=pk, body_text=html_to_text(html or "")) for pk, html in batch],
            ["body_text"],
        )
        last_pk = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_article_document_inline")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE search_articleentry ADD COLUMN body_text text NOT NULL DEFAULT ''",
                    "ALTER TABLE search_articleentry DROP COLUMN body_text",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="articleentry",
                    name="body_text",
                    field=models.TextField(blank=True),
                )
            ],
        ),
        migrations.RunPython(fill_texts, migrations.RunPython.noop),
    ]
