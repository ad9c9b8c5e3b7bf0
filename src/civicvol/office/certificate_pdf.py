"""志愿服务记录证明 on paper: the signed certificate laid out on A4 as a PDF, in Chinese.

It shows the fields the 志愿服务记录办法 (民发〔2015〕149号) asks a record certificate for —
the volunteer's identity, each service's content, date and hours, the total, the issuing
organisation, the certificate's number and date, a place for the seal — and a QR code
(segno) carrying what a verifier needs (:mod:`civicvol.audit.certificate_qr`). WeasyPrint
lays it out and embeds the CJK font (Noto CJK from fonts-noto-cjk, subset); this is the
same certificate as the JSON beside it, never a second one typed in.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from civicvol import i18n
from civicvol.audit.certificate_qr import qr_payload
from civicvol.i18n import N_, _, ngettext
from civicvol.office.extra import office_module

# Debian's fonts-noto-cjk; fontconfig finds them by name, these files are the fallback.
SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SANS = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# The certificate's labels, translated where the page is made.
# civicvol's own id is "Volunteer ID" (志愿者ID), never "No.": 全国志愿者编号 is the national one.
LABELS = (N_("Certificate No."), N_("Name"), N_("Community"), N_("Volunteer ID"),
          N_("National volunteer No."),
          N_("Registered on"), N_("Total hours"), N_("The services recorded are:"), N_("Date"),
          N_("Service"), N_("Place"), N_("Hours"), N_("Order"),
          N_("Scan to verify, or check it with: civicvol audit check-qr"), N_("Issued by"),
          N_("(seal)"), N_("Date of issue"))


def write_certificate_pdf(cert: dict[str, Any], key: Ed25519PrivateKey, path: Path, *,
                          lang: str = "zh_CN") -> str:
    """Write the certificate's PDF to ``path``; returns the QR's payload."""
    HTML = office_module("weasyprint").HTML
    office_module("segno")  # refused in the caller's language, before the certificate's
    payload = qr_payload(cert, key)
    with i18n.speaking(lang):
        page = certificate_html(cert, payload)
    HTML(string=page, base_url=str(path.parent)).write_pdf(str(path))
    return payload



def qr_data_uri(payload: str) -> str:
    """The QR as a PNG data URI: medium error correction, sharp at print size."""
    segno = office_module("segno")
    qr = segno.make(payload, error="m", micro=False)
    return str(qr.png_data_uri(scale=4, border=4))


def certificate_html(cert: dict[str, Any], payload: str) -> str:
    v, chain = cert["volunteer"], cert["chain"]
    services = cert["services"]
    rows = "".join(
        f"<tr><td>{_e(s['date'])}</td><td>{_e(s['service'])}</td>"
        f"<td>{_e(s['place'] or '-')}</td><td class='n'>{_e(s['hours'])}</td>"
        f"<td class='id'>{_e(s['order_id'])}</td></tr>" for s in services)
    if not services:
        none = _e(_("No service recorded yet."))
        rows = f"<tr><td colspan='5'>{none}</td></tr>"
    summary = ngettext("has taken part in {n} volunteer service, {hours} hours in all.",
                       "has taken part in {n} volunteer services, {hours} hours in all.",
                       len(services)).format(n=len(services), hours=cert["hours"])
    font = f"url('{SERIF.as_uri()}')" if SERIF.exists() else "local('Noto Serif CJK SC')"
    t = {label: _e(_(label)) for label in LABELS}
    title = _e(_("Volunteer service record certificate"))
    certifies = _e(_("This certifies that volunteer {name}").format(name=v["name"]))
    total = _e(_("Total service hours: {hours}").format(hours=cert["hours"]))
    where = _e(_("Hash chain position {position}, head hash {head}").format(
        position=chain["position"], head=chain["head_hash"]))
    national = (f'<tr><th>{t["National volunteer No."]}</th><td colspan="3">'
                f'{_e(v["national_number"])}</td></tr>\n' if v.get("national_number") else "")
    basis = _e(_("Issued under the Volunteer Service Record Measures (民发〔2015〕149号); "
                 "every service above is recorded in the district's signed history."))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
@font-face {{ font-family: "CertSerif"; src: {font}; }}
@page {{ size: A4; margin: 18mm 18mm 16mm; }}
body {{ font-family: "CertSerif", "Noto Serif CJK SC", "Noto Sans CJK SC", serif;
  font-size: 11pt; line-height: 1.6; color: #111; }}
h1 {{ text-align: center; font-size: 24pt; letter-spacing: 6pt; margin: 0 0 2mm; }}
.number {{ text-align: right; font-size: 10pt; }}
table.who {{ width: 100%; border-collapse: collapse; margin: 4mm 0; }}
table.who th {{ text-align: left; width: 26mm; font-weight: normal; white-space: nowrap; }}
table.who td, table.who th {{ padding: 1mm 2mm; border: 0.3mm solid #555; }}
p.statement {{ text-indent: 2em; margin: 4mm 0; }}
table.services {{ width: 100%; border-collapse: collapse; font-size: 9.5pt; }}
table.services th, table.services td {{ border: 0.3mm solid #555; padding: 1mm 1.5mm; }}
table.services th {{ background: #eee; }}
td.n {{ text-align: right; }}
td.id {{ font-size: 6.5pt; word-break: break-all; width: 50mm; }}
table.services td:first-child {{ width: 22mm; white-space: nowrap; }}
.total {{ text-align: right; font-weight: bold; margin: 2mm 0 6mm; }}
.bottom {{ display: flex; justify-content: space-between; align-items: flex-start;
  break-inside: avoid; margin-top: 6mm; }}
.verify {{ width: 80mm; font-size: 7.5pt; word-break: break-all; }}
.verify img {{ width: 42mm; height: 42mm; display: block; }}
.issuer {{ width: 78mm; text-align: center; }}
.seal {{ width: 42mm; height: 42mm; border: 0.4mm dashed #b00; border-radius: 50%;
  margin: 3mm auto; color: #b00; display: flex; align-items: center; justify-content: center;
  font-size: 10pt; }}
.basis {{ font-size: 8pt; color: #444; margin-top: 6mm; border-top: 0.3mm solid #999;
  padding-top: 2mm; }}
</style></head><body>
<h1>{title}</h1>
<p class="number">{t["Certificate No."]}: {_e(cert["number"])}</p>
<table class="who">
<tr><th>{t["Name"]}</th><td>{_e(v["name"])}</td>
<th>{t["Community"]}</th><td>{_e(v["community"] or "-")}</td></tr>
<tr><th>{t["Volunteer ID"]}</th><td colspan="3">{_e(v["id"])}</td></tr>
{national}<tr><th>{t["Registered on"]}</th><td>{_e(v["registered_on"])}</td>
<th>{t["Total hours"]}</th><td>{_e(cert["hours"])}</td></tr>
</table>
<p class="statement">{certifies}
{_e(summary)} {t["The services recorded are:"]}</p>
<table class="services"><thead><tr><th>{t["Date"]}</th><th>{t["Service"]}</th>
<th>{t["Place"]}</th><th>{t["Hours"]}</th><th>{t["Order"]}</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="total">{total}</p>
<div class="bottom">
<div class="verify"><img src="{qr_data_uri(payload)}" alt="QR">
{t["Scan to verify, or check it with: civicvol audit check-qr"]}<br>
{where}</div>
<div class="issuer">
<p>{t["Issued by"]}: {_e(cert["issuer"])}</p>
<div class="seal">{t["(seal)"]}</div>
<p>{t["Date of issue"]}: {_e(cert["issued_on"])}</p>
</div></div>
<p class="basis">{basis}</p>
</body></html>
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)
