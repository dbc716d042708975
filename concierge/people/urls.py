from django.contrib.auth import views as auth_views
from django.urls import path

from concierge.people.views import account

app_name = "people"

urlpatterns = [
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", account.profile, name="profile"),
    path("brand.css", account.brand_css, name="brand_css"),
    path("language/", account.set_language, name="set_language"),
]
