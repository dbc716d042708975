"""Each vocabulary word keeps its stem, so that a word typed in another form of a stem
the articles use is known, and not sent through the spelling help.

The column is added with ALTER TABLE on both databases: Django would rebuild SQLite's
table to add a NOT NULL column, and the rebuild drops the triggers that keep the trigram
table in step. Existing words get their stems here, in batches.
"""

from django.db import migrations, models

BATCH = 2000


def fill_stems(apps, schema_editor):
    from concierge.search.analysis import analyzer_for

    terms = apps.get_model("search", "Term")
    last_pk = 0
    while True:
        batch = list(
            terms.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "language", "word")[:BATCH]
        )
        if not batch:
            return
        terms.objects.bulk_update(
            [
                terms(pk=pk, stem=analyzer_for(language).stem(word)[:60])
                for pk, language, word in batch
            ],
            ["stem"],
        )
        last_pk = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_sqlite_article_titles")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE search_term ADD COLUMN stem varchar(60) NOT NULL DEFAULT ''",
                    "ALTER TABLE search_term DROP COLUMN stem",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="term",
                    name="stem",
                    field=models.CharField(blank=True, max_length=60),
                )
            ],
        ),
        migrations.RunPython(fill_stems, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="term",
            index=models.Index(fields=["language", "stem"], name="search_term_stem"),
        ),
    ]
