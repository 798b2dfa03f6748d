from django.urls import URLPattern, URLResolver, path

from hall.views import public, staff

app_name = "hall"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.board, name="board"),
    path("desk/", staff.desk, name="desk"),
    path("desk/assist/", staff.assist, name="assist"),
    path("w/<str:number>/", staff.window, name="window"),
    path("w/<str:number>/call/", staff.call, name="call"),
    path("t/<int:pk>/act/<slug:action>/", staff.act, name="act"),
    path("appointments/", staff.appointments, name="appointments"),
    path("appointments/<int:pk>/contact/", staff.reveal, name="reveal"),
    # The hall's own machines and the applicant's phone (no sign-in).
    path("kiosk/", public.kiosk, name="kiosk"),
    path("kiosk/take/", public.kiosk_take, name="kiosk_take"),
    path("kiosk/check-in/", public.kiosk_check_in, name="kiosk_check_in"),
    path("kiosk/t/<int:pk>/", public.kiosk_ticket, name="kiosk_ticket"),
    path("screen/", public.screen, name="screen"),
    path("screen/board/", public.screen_board, name="screen_board"),
    path("book/", public.book, name="book"),
    path("book/<int:pk>/", public.book_matter, name="book_matter"),
    path("my/<str:token>/", public.my_appointment, name="my_appointment"),
    path("my/<str:token>/cancel/", public.cancel_appointment, name="cancel_appointment"),
]
