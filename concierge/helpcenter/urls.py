from django.urls import path

from concierge.helpcenter.views import authoring, composer, portal, structure, team

app_name = "helpcenter"

urlpatterns = [
    path("", portal.home, name="home"),
    path("search/", portal.search, name="search"),
    path("suggest/", portal.suggestions, name="suggest"),
    path("sitemap.xml", portal.sitemap, name="sitemap"),
    path("categories/<str:slug>/", portal.category, name="category"),
    path("sections/<int:pk>/", portal.section, name="section"),
    path("articles/<int:pk>/", portal.article_short, name="article_short"),
    path("files/<int:pk>/<str:filename>", portal.attachment, name="file"),
    path("<str:language>/articles/<int:pk>/", portal.article, name="article_no_slug"),
    path("<str:language>/articles/<int:pk>/feedback/", portal.feedback, name="feedback"),
    path("<str:language>/articles/<int:pk>/<str:slug>/", portal.article, name="article"),
    # The team's pages.
    path("manage/", authoring.manage, name="manage"),
    path("manage/new/", authoring.new, name="new"),
    path("manage/preview/", authoring.preview, name="preview"),
    path("manage/insights/", team.insights, name="insights"),
    path("manage/composer/<int:number>/", composer.composer_search, name="composer_search"),
    path("manage/structure/", team.structure, name="structure"),
    path("manage/structure/categories/<int:pk>/", structure.category_edit, name="category_edit"),
    path(
        "manage/structure/categories/<int:pk>/delete/",
        structure.category_remove,
        name="category_delete",
    ),
    path("manage/structure/sections/<int:pk>/", structure.section_edit, name="section_edit"),
    path(
        "manage/structure/sections/<int:pk>/delete/",
        structure.section_remove,
        name="section_delete",
    ),
    path("manage/<int:pk>/delete/", structure.article_remove, name="article_delete"),
    path("manage/<int:pk>/settings/", authoring.article_settings, name="settings"),
    path("manage/<int:pk>/<str:language>/", authoring.edit, name="edit"),
    path("manage/<int:pk>/<str:language>/status/", authoring.status, name="status"),
    path("manage/<int:pk>/<str:language>/files/", authoring.upload, name="upload"),
    path(
        "manage/<int:pk>/<str:language>/versions/<int:number>/",
        authoring.version,
        name="version",
    ),
]
