"""Writes tests/mail/corpus/*.eml: run once (`python tests/mail/make_corpus.py`), files are committed.

Kept as source so a reader sees each message's intent beside its bytes; 8-bit bodies are
written in the charset their headers claim (Latin-1, Windows-1252), like real clients do.
"""

from __future__ import annotations

import base64
from pathlib import Path

HERE = Path(__file__).parent / "corpus"
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfab"
        "d40000000049454e44ae426082"
    )
).decode()
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()

M: dict[str, tuple[str, str]] = {}


def add(name: str, text: str, encoding: str = "utf-8") -> None:
    M[name] = (text.lstrip("\n"), encoding)


add(
    "01_plain_es.eml",
    """
From: Lucía Pérez <lucia.perez@example.es>
To: soporte@tienda.test
Subject: Mi lavadora no centrifuga
Message-ID: <c01@example.es>
Date: Mon, 03 Nov 2025 10:12:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hola, compré la lavadora hace dos meses y no centrifuga.
¿Podéis ayudarme?
Lucía
""",
)

add(
    "02_alternative.eml",
    """
From: "John Smith" <john.smith@example.com>
To: support@shop.test
Subject: Order 5512 arrived damaged
Message-ID: <c02@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=us-ascii

The box was crushed and the screen is cracked.
--b2
Content-Type: text/html; charset=us-ascii

<p>The box was <b>crushed</b> and the screen is cracked.</p>
--b2--
""",
)

add(
    "03_latin1_8bit.eml",
    """
From: =?iso-8859-1?Q?Jos=E9_Mu=F1oz?= <jose.munoz@example.es>
To: soporte@tienda.test
Subject: =?iso-8859-1?Q?Devoluci=F3n_del_pedido?=
Message-ID: <c03@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: 8bit

Quiero la devolución del pedido: el cajón no cierra. Gracias, José Muñoz.
""",
    "latin-1",
)

add(
    "04_cp1252_qp.eml",
    """
From: Marta <marta@example.es>
To: soporte@tienda.test
Subject: Factura
Message-ID: <c04@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

El importe es 120 =80 y me cobrasteis =93dos veces=94. =BFPor qu=E9?
""",
)

add(
    "05_latin1_claims_but_cp1252.eml",
    """
From: pedro@example.es
To: soporte@tienda.test
Subject: Precio
Message-ID: <c05@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

Pagu\xe9 99 \x80 por la cafetera \x93nueva\x94.
""",
    "latin-1",
)

add(
    "06_base64_utf8.eml",
    """
From: Ana <ana@example.es>
To: soporte@tienda.test
Subject: =?utf-8?B?wr9DdcOhbmRvIGxsZWdhIG1pIHBlZGlkbz8=?=
Message-ID: <c06@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

"""
    + base64.encodebytes("¿Cuándo llega mi pedido? Llevo una semana esperando.\n".encode()).decode(),
)

add(
    "07_html_only.eml",
    """
From: Beatriz <bea@example.es>
To: soporte@tienda.test
Subject: Solo HTML
Message-ID: <c07@example.es>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>La <strong>batidora</strong> hace ruido.</p><p>Un saludo</p><script>alert(1)</script></body></html>
""",
)

add(
    "08_gmail_reply_es.eml",
    """
From: Lucía Pérez <lucia.perez@example.es>
To: soporte@tienda.test
Subject: Re: Mi lavadora no centrifuga
Message-ID: <c08@example.es>
In-Reply-To: <unknown-1@elsewhere.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="g8"

--g8
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

S=C3=AD, el n=C3=BAmero de serie es WM-2231.

El lun, 3 nov 2025 a las 10:12, Soporte (<soporte@tienda.test>) escribi=C3=B3:

> =C2=BFNos indica el n=C3=BAmero de serie?
>
--g8
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">S=C3=AD, el n=C3=BAmero de serie es WM-2231.</div><br><div class=3D"gmail_quote"><div class=3D"gmail_attr">El lun, 3 nov 2025 a las 10:12, Soporte escribi=C3=B3:<br></div><blockquote class=3D"gmail_quote">=C2=BFNos indica el n=C3=BAmero de serie?</blockquote></div>
--g8--
""",
)

add(
    "09_gmail_reply_en.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Re: Your order
Message-ID: <c09@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Thanks, the replacement works fine.

On Mon, Nov 3, 2025 at 10:12 AM Support <support@shop.test> wrote:
> Please try the replacement part.
> Kind regards
""",
)

add(
    "10_gmail_wrapped_attribution.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Re: Your order
Message-ID: <c10@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Still broken after the update.

On Mon, Nov 3, 2025 at 10:12 AM Support Team of the Shop <support@shop.test>
wrote:

> Please update the firmware.
""",
)

add(
    "11_outlook_reply_en.eml",
    """
From: Helen Carter <helen@contoso.test>
To: support@shop.test
Subject: RE: Invoice copy
Message-ID: <c11@contoso.test>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

Got it, thank you.

-----Original Message-----
From: Support <support@shop.test>
Sent: Monday, November 3, 2025 10:12 AM
To: Helen Carter <helen@contoso.test>
Subject: Invoice copy

Here is your invoice copy.
""",
)

add(
    "12_outlook_reply_es.eml",
    """
From: Carlos Ruiz <carlos.ruiz@empresa.test>
To: soporte@tienda.test
Subject: RE: Garantía del frigorífico
Message-ID: <c12@empresa.test>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Perfecto, el t=E9cnico puede venir el jueves.

________________________________
De: Soporte <soporte@tienda.test>
Enviado: lunes, 3 de noviembre de 2025 10:12
Para: Carlos Ruiz <carlos.ruiz@empresa.test>
Asunto: Garant=EDa del frigor=EDfico

=BFQu=E9 d=EDa le viene bien?
""",
)

add(
    "13_outlook_html_reply.eml",
    """
From: Carlos Ruiz <carlos.ruiz@empresa.test>
To: soporte@tienda.test
Subject: RE: Cita
Message-ID: <c13@empresa.test>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"

<html><body><div>Confirmo la cita del jueves.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>De:</b> Soporte<br><b>Enviado:</b> lunes<br><b>Asunto:</b> Cita</div><div>Le proponemos el jueves a las 10.</div></body></html>
""",
)

add(
    "14_mensaje_original.eml",
    """
From: Elena <elena@example.es>
To: soporte@tienda.test
Subject: RE: Pedido
Message-ID: <c14@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ya lo he recibido, gracias.

-----Mensaje original-----
De: Soporte
Enviado el: lunes
Asunto: Pedido
Su pedido ha salido hoy.
""",
)

add(
    "15_forwarded_gmail.eml",
    """
From: Ana <ana@example.es>
To: soporte@tienda.test
Subject: Fwd: Confirmación de pedido 7781
Message-ID: <c15@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Os reenvío la confirmación, el importe está mal.

---------- Forwarded message ---------
De: Tienda <pedidos@tienda.test>
Date: dom, 2 nov 2025 a las 9:00
Subject: Confirmación de pedido 7781
To: <ana@example.es>

Importe total: 250 EUR
""",
)

add(
    "16_forwarded_outlook_en.eml",
    """
From: Helen Carter <helen@contoso.test>
To: support@shop.test
Subject: FW: Shipping notice
Message-ID: <c16@contoso.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

See below, the tracking number does not work.

From: Shop <orders@shop.test>
Sent: Sunday, November 2, 2025 9:00 AM
To: Helen Carter <helen@contoso.test>
Subject: Shipping notice

Tracking: ZX123456789
""",
)

add(
    "17_forward_as_attachment.eml",
    """
From: Ana <ana@example.es>
To: soporte@tienda.test
Subject: Fwd: factura
Message-ID: <c17@example.es>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f17"

--f17
Content-Type: text/plain; charset=utf-8

Adjunto el correo original.
--f17
Content-Type: message/rfc822
Content-Disposition: attachment; filename="original.eml"

From: Tienda <pedidos@tienda.test>
To: ana@example.es
Subject: Factura

Factura adjunta.
--f17--
""",
)

add(
    "18_ooo_en.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Automatic reply: Your order
Message-ID: <c18@example.com>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

I am out of the office until Monday.
""",
)

add(
    "19_ooo_es.eml",
    """
From: Carlos Ruiz <carlos.ruiz@empresa.test>
To: soporte@tienda.test
Subject: Respuesta automática: Cita
Message-ID: <c19@empresa.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Estoy fuera de la oficina hasta el lunes.
""",
)

add(
    "20_x_autoreply.eml",
    """
From: vacaciones@example.es
To: soporte@tienda.test
Subject: Vacaciones
Message-ID: <c20@example.es>
X-Autoreply: yes
Content-Type: text/plain; charset=utf-8

Estoy de vacaciones.
""",
)

add(
    "21_x_autorespond.eml",
    """
From: bot@example.com
To: support@shop.test
Subject: Received
Message-ID: <c21@example.com>
X-Autorespond: Your message was received
Content-Type: text/plain

We got your message.
""",
)

add(
    "22_precedence_bulk.eml",
    """
From: news@newsletter.test
To: support@shop.test
Subject: Weekly offers
Message-ID: <c22@newsletter.test>
Precedence: bulk
Content-Type: text/plain

Buy now!
""",
)

add(
    "23_precedence_list.eml",
    """
From: list-user@lists.test
To: support@shop.test
Subject: [dev] discussion
Message-ID: <c23@lists.test>
Precedence: list
List-Id: <dev.lists.test>
Content-Type: text/plain

Some list traffic.
""",
)

add(
    "24_dsn_report.eml",
    """
From: Mail Delivery System <MAILER-DAEMON@mx.tienda.test>
To: soporte@tienda.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <c24@mx.tienda.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="d24"

--d24
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--d24
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.tienda.test
Final-Recipient: rfc822; nadie@example.es
Action: failed
Status: 5.1.1
--d24
Content-Type: text/rfc822-headers

From: soporte@tienda.test
To: nadie@example.es
Subject: Re: Pedido [#1001]
--d24--
""",
)

add(
    "25_bounce_postmaster_plain.eml",
    """
From: postmaster@example.com
To: support@shop.test
Subject: Delivery Status Notification (Failure)
Message-ID: <c25@example.com>
Content-Type: text/plain

Delivery to the following recipient failed permanently: gone@example.com
""",
)

add(
    "26_bounce_empty_return_path.eml",
    """
Return-Path: <>
From: "Exchange" <exchange@contoso.test>
To: support@shop.test
Subject: Undeliverable: Invoice copy
Message-ID: <c26@contoso.test>
Content-Type: text/plain

Your message to x@contoso.test couldn't be delivered.
""",
)

add(
    "27_loop_header.eml",
    """
From: "Agent via Soporte" <soporte@tienda.test>
To: someone@example.es
Subject: Re: bucle [#1234]
Message-ID: <c27@tienda.test>
X-Postventa-Loop: {LOOP}
Content-Type: text/plain

This is our own message coming back.
""",
)

add(
    "28_inline_image.eml",
    """
From: Ana <ana@example.es>
To: soporte@tienda.test
Subject: Foto del golpe
Message-ID: <c28@example.es>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="r28"

--r28
Content-Type: text/html; charset=utf-8

<p>Mirad la foto:</p><img src="cid:foto1@example.es">
--r28
Content-Type: image/png
Content-ID: <foto1@example.es>
Content-Disposition: inline; filename="golpe.png"
Content-Transfer-Encoding: base64

"""
    + PNG
    + """
--r28--
""",
)

add(
    "29_attachments.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Receipt and photo
Message-ID: <c29@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m29"

--m29
Content-Type: text/plain; charset=utf-8

Receipt and photo attached.
--m29
Content-Type: application/pdf; name="receipt.pdf"
Content-Disposition: attachment; filename="receipt.pdf"
Content-Transfer-Encoding: base64

"""
    + PDF
    + """
--m29
Content-Type: image/png
Content-Disposition: attachment; filename="photo.png"
Content-Transfer-Encoding: base64

"""
    + PNG
    + """
--m29--
""",
)

add(
    "30_disallowed_type.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Program
Message-ID: <c30@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m30"

--m30
Content-Type: text/plain

Run this tool please.
--m30
Content-Type: application/x-msdownload
Content-Disposition: attachment; filename="tool.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA
--m30--
""",
)

add(
    "31_calendar_invite.eml",
    """
From: Carlos Ruiz <carlos.ruiz@empresa.test>
To: soporte@tienda.test
Subject: Invitación: visita técnica
Message-ID: <c31@empresa.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="c31"

--c31
Content-Type: multipart/alternative; boundary="a31"

--a31
Content-Type: text/plain; charset=utf-8

Os envío la invitación para la visita técnica.
--a31
Content-Type: text/calendar; charset=utf-8; method=REQUEST

BEGIN:VCALENDAR
METHOD:REQUEST
BEGIN:VEVENT
SUMMARY:Visita técnica
DTSTART:20251106T090000Z
END:VEVENT
END:VCALENDAR
--a31--
--c31
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"

BEGIN:VCALENDAR
END:VCALENDAR
--c31--
""",
)

add(
    "32_no_from.eml",
    """
To: soporte@tienda.test
Subject: Sin remitente
Message-ID: <c32@nowhere.test>
Content-Type: text/plain

Who sent this?
""",
)

add(
    "33_empty_body.eml",
    """
From: Pablo <pablo@example.es>
To: soporte@tienda.test
Subject: Llamadme
Message-ID: <c33@example.es>
Content-Type: text/plain

""",
)

add(
    "34_no_subject.eml",
    """
From: Pablo <pablo@example.es>
To: soporte@tienda.test
Message-ID: <c34@example.es>
Content-Type: text/plain

No encuentro el manual de instrucciones del horno.
""",
)

add(
    "35_malformed_headers.eml",
    """
From: "Broken <broken@example.es
To: soporte@tienda.test,,, <<bad>>
Subject: =?utf-8?Q?Cabecera_=rota?=
Message-ID: not-an-id@@example.es
Date: yesterday at noon
Content-Type: text/plain; charset="utf-8
Content-Transfer-Encoding: 8bit

Texto con cabeceras rotas.
""",
)

add(
    "36_unknown_charset.eml",
    """
From: Kim <kim@example.kr>
To: support@shop.test
Subject: Charset
Message-ID: <c36@example.kr>
Content-Type: text/plain; charset=x-made-up-charset
Content-Transfer-Encoding: 8bit

Hello \xff\xfe strange bytes here.
""",
    "latin-1",
)

add(
    "37_missing_boundary_end.eml",
    """
From: Luis <luis@example.es>
To: soporte@tienda.test
Subject: Cortado
Message-ID: <c37@example.es>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="x37"

--x37
Content-Type: text/plain; charset=utf-8

El mensaje se corta aquí
""",
)

add(
    "38_bad_base64.eml",
    """
From: Luis <luis@example.es>
To: soporte@tienda.test
Subject: Base64 roto
Message-ID: <c38@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

SG9sYSBtdW5kbyBy!!!b3Rv===
""",
)

add(
    "39_quoted_gt_only.eml",
    """
From: John Smith <john.smith@example.com>
To: support@shop.test
Subject: Re: question
Message-ID: <c39@example.com>
Content-Type: text/plain

Yes, that is right.

> Is the serial number AB-12?
> Thanks
""",
)

add(
    "40_subject_token_reply.eml",
    """
From: Lucía Pérez <lucia.perez@example.es>
To: soporte@tienda.test
Subject: Re: Mi lavadora [#999999]
Message-ID: <c40@example.es>
Content-Type: text/plain; charset=utf-8

Token de un ticket que no existe: abre uno nuevo.
""",
)

add(
    "41_uppercase_email.eml",
    """
From: LUCIA.PEREZ@EXAMPLE.ES
To: soporte@tienda.test
Subject: Mayúsculas
Message-ID: <c41@example.es>
Content-Type: text/plain; charset=utf-8

Escribo desde otro cliente.
""",
)

add(
    "42_html_entities_nbsp.eml",
    """
From: Beatriz <bea@example.es>
To: soporte@tienda.test
Subject: Entidades
Message-ID: <c42@example.es>
Content-Type: text/html; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

<div>Precio&nbsp;final: 30&euro; &amp; env=EDo gratis</div>
""",
)

add(
    "43_auto_submitted_generated.eml",
    """
From: noreply@carrier.test
To: soporte@tienda.test
Subject: Tracking update
Message-ID: <c43@carrier.test>
Auto-Submitted: auto-generated
Content-Type: text/plain

Your parcel is out for delivery.
""",
)

add(
    "44_auto_submitted_no.eml",
    """
From: Elena <elena@example.es>
To: soporte@tienda.test
Subject: Consulta normal
Message-ID: <c44@example.es>
Auto-Submitted: no
Content-Type: text/plain; charset=utf-8

Una consulta escrita por una persona.
""",
)

add("45_duplicate_of_01.eml", M["01_plain_es.eml"][0], "utf-8")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, (text, encoding) in M.items():
        (HERE / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))


if __name__ == "__main__":
    main()
