from django.conf import settings


def postventa(request):
    return {"POSTVENTA_BASE_URL": settings.BASE_URL}
