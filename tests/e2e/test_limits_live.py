"""The running app refuses oversized requests: a JSON body (a data URL bypasses upload limits) and a big upload."""

import http.client
import urllib.error
import urllib.parse
import urllib.request

import pytest

from stylegan_app.web.request_limits import MAX_BODY_BYTES

pytestmark = pytest.mark.e2e


def post(url: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_a_json_body_over_the_limit_gets_413_before_it_is_sent(app_url):
    """The server answers on the headers alone (it then closes, so the body is never sent)."""
    host, port = urllib.parse.urlsplit(app_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("POST", "/gradio_api/queue/join")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1024))  # e.g. a photo as a data URL in the JSON
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and b"too large" in response.read()
    connection.close()


def test_an_upload_over_the_file_size_limit_is_refused(app_url):
    boundary = "stylegan-app-test"
    payload = b"\x89PNG" + b"\0" * (21 * 1024 * 1024)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    assert post(app_url + "gradio_api/upload", body, f"multipart/form-data; boundary={boundary}") in (400, 413)


def test_a_small_request_still_gets_through(app_url):
    with urllib.request.urlopen(app_url + "config", timeout=30) as response:
        assert response.status == 200
