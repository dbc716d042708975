"""The article entries lose their index on `language`.

A site has a few languages, each a large share of the entries, so the index narrows
nothing; yet PostgreSQL intersected its bitmap (12,500 rows of 50,000) with the
full-text index's matches before reading them: 2.9 -> 0.9 ms for a question's titles,
23 -> 18 ms for its bodies. The language is tested on the matched rows instead.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_articleentry_body_text"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="articleentry",
            name="search_article_language",
        ),
    ]
