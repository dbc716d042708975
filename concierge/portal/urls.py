from django.urls import path

from concierge.portal.views import contact, requests, signin

app_name = "portal"

urlpatterns = [
    path("", contact.home, name="home"),
    path("contact/", contact.contact, name="contact"),
    path("contact/done/<int:number>/", contact.contact_done, name="contact_done"),
    path("login/", signin.login, name="login"),
    path("login/<str:token>/", signin.magic, name="magic"),
    path("password/", signin.password, name="password"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:number>/", requests.request_detail, name="request_detail"),
    path("requests/<int:number>/solve/", requests.request_solve, name="request_solve"),
]
