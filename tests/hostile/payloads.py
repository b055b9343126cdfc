"""Script-injection and hostile-string payloads for the foresite security tests.

Every payload that would execute script if it ever reached a browser unescaped
calls ``alert(...)``, ``confirm(...)`` or ``prompt(...)`` (so a headless-browser
test that listens for dialogs sees it) or sets ``document.title='PWNED'``.
A handful of payloads do not execute anything by design (template-injection
probes, XML/JSON breakers, path traversal, ``<base href>`` hijack, control
characters); those are there to catch un-escaped output, broken feeds and
evaluation of user text as a template.

``PAYLOADS`` is a flat list of distinct strings.  ``URL_PAYLOADS`` maps a short
name to a payload meant for URL positions (source link, origin link, Closest
targets, markdown link targets); every value of it is also in ``PAYLOADS``.

Markers a test can look for in the built site:
    - a dialog (alert/confirm/prompt) being opened, or document.title == 'PWNED'
    - the string ``49`` appearing where ``{{ 7*7 }}`` was written (template
      evaluation), or ``7777777`` for ``{{7*'7'}}``
    - the file ``/tmp/foresite-yaml-PWNED`` existing (unsafe YAML loader; see
      make_hostile.py, fm-yaml-python-tags.md)
"""
from __future__ import annotations

import base64

_B64_SCRIPT = base64.b64encode(b"<script>alert(72)</script>").decode()
_B64_SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(86)"/>'
).decode()
_PADDED_ENTITIES = (
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114"
    "&#0000105&#0000112&#0000116&#0000058alert(62)"
)
_B64_MD = base64.b64encode(b"<script>alert(123)</script>").decode()

PAYLOADS: list[str] = [
    # --- plain <script> and script-context breakers -------------------------
    "<script>alert(1)</script>",
    "<SCRIPT>alert(2)</SCRIPT>",
    '<script src="data:text/javascript,alert(3)"></script>',
    "<scr<script>ipt>alert(4)</scr</script>ipt>",
    "<script>document.title='PWNED'</script>",
    '<script type="module">alert(6)</script>',
    "<ScRiPt >confirm(7)</ScRiPt >",
    '<script\ttype="text/javascript">prompt(8)</script>',
    "</script><script>alert(9)</script>",  # JSON-LD / inline-JSON breaker
    "</SCRIPT ><script>alert(10)</script>",
    '"}</script><script>alert(11)</script>',  # break out of a JSON string + block
    "\u2028\u2029<script>alert(12)</script>",  # JS line terminators in JSON
    "--><script>alert(13)</script>",  # HTML-comment breaker
    "<!--<script>alert(14)</script>",  # script-data escaped state
    "]]><script>alert(15)</script>",  # CDATA breaker (RSS/Atom/sitemap)
    "<![CDATA[<script>alert(16)</script>]]>",
    "</title><script>alert(17)</script>",
    "</textarea><script>alert(18)</script>",
    "</style><script>alert(19)</script>",
    "</noscript><script>alert(20)</script>",
    "</template><script>alert(21)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(23)>">',  # mXSS
    # --- event handlers ------------------------------------------------------
    "<img src=x onerror=alert(24)>",
    "<IMG SRC=x OnErRoR=alert(25)>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "<img/src=x/onerror=alert(27)>",
    "<img src=x onerror=alert&#40;28&#41;>",
    "<svg onload=alert(29)>",
    "<svg/onload=confirm(30)>",
    "<body onload=alert(31)>",
    "<body onpageshow=alert(32)>",
    '" onmouseover="alert(33)',  # attribute breakout, double quotes
    "' autofocus onfocus='alert(34)",  # attribute breakout, single quotes
    '" autofocus onfocus="alert(35)" x="',
    '"><img src=x onerror=alert(36)>',
    "'><svg onload=alert(37)>",
    "<input autofocus onfocus=alert(38)>",
    "<details open ontoggle=alert(39)>",
    "<video><source onerror=alert(40)></video>",
    "<audio src=x onerror=prompt(41)>",
    "<marquee onstart=alert(42)>x</marquee>",
    "<div onpointerover=alert(43)>hover</div>",
    "<select autofocus onfocus=alert(44)>",
    "<textarea autofocus onfocus=alert(45)>",
    " onfocus=alert(46) autofocus ",  # unquoted-attribute breakout
    "<a href=# onclick=alert(47)>click</a>",
    "<link rel=stylesheet href=x onerror=alert(48)>",
    "<x contenteditable onblur=alert(49)>lose focus</x>",
    "<img src=x:alert(50) onerror=eval(src)>",
    "<img src=x onerror=alert`51`>",
    "<img src=x onerror=window['al'+'ert'](52)>",
    "<img src=x onerror=top[/al/.source+/ert/.source](53)>",
    # --- dangerous URL schemes -----------------------------------------------
    "javascript:alert(54)",
    "JaVaScRiPt:alert(55)",
    "java\tscript:alert(56)",
    "java\nscript:alert(57)",
    "\x01javascript:alert(58)",
    " javascript:alert(59)",
    "&#106;avascript:alert(60)",
    "&#x6A;avascript:alert(61)",
    _PADDED_ENTITIES,
    "javascript&colon;alert(63)",
    "java&Tab;script:alert(64)",
    "%6A%61%76%61%73%63%72%69%70%74%3Aalert(65)",
    "javascript%3Aalert(66)",
    "javascript:document.title='PWNED'",
    "javascript://%0Aalert(68)",
    (
        "javascript:/*--></title></style></textarea></script></xmp>"
        "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(69)//'>"
    ),  # polyglot
    "vbscript:alert(70)",
    "data:text/html,<script>alert(71)</script>",
    "data:text/html;base64," + _B64_SCRIPT,
    "DaTa:text/html,<svg onload=alert(73)>",
    'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(74)"/>',
    "data:text/javascript,alert(75)",
    "jav\u200bascript:alert(148)",  # zero-width space inside the scheme
    "j\u0430vascript:alert(153)",  # Cyrillic a (homoglyph)
    # --- HTML elements carrying URLs ------------------------------------------
    '<a href="javascript:alert(76)">click</a>',
    '<a href="JaVaScRiPt:alert(77)">x</a>',
    '<a href="&#106;avascript:alert(78)">x</a>',
    '<a href="java&#x09;script:alert(79)">x</a>',
    '<iframe src="javascript:alert(80)"></iframe>',
    '<iframe srcdoc="<script>alert(81)</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=alert(82)&gt;"></iframe>',
    '<object data="javascript:alert(83)"></object>',
    '<object data="data:text/html,<script>alert(84)</script>"></object>',
    '<embed src="javascript:alert(85)">',
    '<embed src="data:image/svg+xml;base64,' + _B64_SVG + '">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(87)">',
    '<meta http-equiv=refresh content="0;url=data:text/html,<script>alert(88)</script>">',
    '<base href="javascript:alert(89)//">',
    '<base href="https://evil.example/">',  # hijacks every relative URL
    '<form action="javascript:alert(91)"><button>go</button></form>',
    '<form><button formaction="javascript:alert(92)">go</button></form>',
    "<isindex action=javascript:alert(93) type=image>",
    '<link rel="import" href="data:text/html,<script>alert(94)</script>">',
    '<a href="data:text/html,<script>alert(95)</script>">x</a>',
    "<map name=m><area shape=rect coords=0,0,999,999 href=javascript:alert(96)></map>",
    # --- SVG -------------------------------------------------------------------
    "<svg><script>alert(97)</script></svg>",
    '<svg><script href="data:text/javascript,alert(98)"/></svg>',
    '<svg><a xlink:href="javascript:alert(99)"><text x="20" y="20">click</text></a></svg>',
    "<svg><animate onbegin=alert(100) attributeName=x dur=1s>",
    (
        "<svg><a><animate attributeName=href values=javascript:alert(101) />"
        "<text x=20 y=20>click</text></a></svg>"
    ),
    '<svg><foreignObject><iframe srcdoc="<script>alert(102)</script>"></iframe></foreignObject></svg>',
    (
        "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
        "<image href='1' onerror='alert(103)'/></svg>#x\"/></svg>"
    ),
    "<svg><style><img src=x onerror=alert(104)></style></svg>",  # mXSS
    # --- MathML ----------------------------------------------------------------
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(105)>",
    '<math href="javascript:alert(106)">click</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(107)">click</maction></math>',
    # --- CSS -------------------------------------------------------------------
    '<div style="background:url(javascript:alert(108))">x</div>',
    '<div style="width:expression(alert(109))">x</div>',
    '<div style="x:\\65xpression(alert(110))">x</div>',
    '<style>body{background:url("javascript:alert(111)")}</style>',
    '<style>@import "data:text/css,body{x:expression(alert(112))}";</style>',
    '<div style="-moz-binding:url(data:text/xml,x);behavior:url(#default#x)" onmouseenter="alert(113)">x</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%" onmouseover="alert(114)">overlay</p>',
    # --- markdown-level ----------------------------------------------------------
    "[click](javascript:alert(115))",
    "![img](javascript:alert(116))",
    "[click](JaVaScRiPt:alert(117))",
    "[click](<javascript:alert(118)>)",
    "[click][evil]\n\n[evil]: javascript:alert(119)",
    '![x](x" onerror="alert(120))',
    '[x](https://example.org/"onmouseover="alert(121))',
    "<javascript:alert(122)>",
    "[a](data:text/html;base64," + _B64_MD + ")",
    "[x](&#106;avascript:alert(124))",
    "[x](java%0ascript:alert(125))",
    "[<img src=x onerror=alert(126)>](https://example.org/)",
    "[x](vbscript:alert(127))",
    "`</code><script>alert(128)</script>`",
    "<div>\n<script>alert(129)</script>\n</div>",  # raw HTML block
    "text\n\n## Closest\n\n* [injected](javascript:alert(130))\n",  # section injection
    "```\nunterminated fence <script>alert(131)</script>",
    "[x]: javascript:alert(132)\n[click][x]",
    # --- template injection -------------------------------------------------------
    "{{ 7*7 }}",
    "{{7*'7'}}",
    "{% raw %}",
    "{% endraw %}{{ 7*7 }}",
    "${alert(135)}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ config.items() }}",
    "{{constructor.constructor('alert(141)')()}}",
    "{# unterminated comment",
    "{% include '/etc/passwd' %}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "`${alert(145)}`",
    "{{ '<script>alert(146)</script>'|safe }}",
    "{% if true %}<script>alert(147)</script>{% endif %}",
    # --- unicode tricks -------------------------------------------------------------
    "x\u2028<script>alert(149)</script>\u2029y",
    "\u202e>tpircs/<)051(trela>tpircs<",  # RTL override, reversed
    "\u202egnp.exe\u202c<img src=x onerror=alert(151)>",
    "<scr\u200dipt>alert(152)</scr\u200dipt>",  # zero-width joiner
    "\ufeff<script>alert(154)</script>",  # BOM char inside text
    "\uff1cscript\uff1ealert(155)\uff1c/script\uff1e",  # fullwidth: NFKC -> <script>
    "\uff1cimg src=x onerror=alert(156)\uff1e",
    "Z\u0337\u0322\u031ba\u0338l\u0335g\u0334o\u0336 <b onmouseover=alert(157)>zalgo</b>",
    "\u200b\u200c\u200d\u2060\ufeff",  # only zero-width characters (empty slug)
    "\u0000<script>alert(159)</script>",  # NUL (front matter / escaped only)
    "\x1b[31mRED\x1b[0m\x1b]0;PWNED\x07",  # ANSI/OSC escape: terminal/log injection
    "ok\n[ERROR] foresite: forged log line\n",  # newline log injection
    "\x0b\x0c\x1c\x1d\x1e\x85<script>alert(162)</script>",  # str.splitlines breakers
    "\ufffe\uffff\U0010ffff",  # noncharacters: invalid in XML 1.0
    # --- XML / feed / JSON ----------------------------------------------------------
    "&nbsp;&copy;&eacute;&hellip;",  # HTML entities that are undefined in XML
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>&xxe;',
    "&lt;script&gt;alert(166)&lt;/script&gt;",  # must stay text: double-unescape check
    "&amp;lt;img src=x onerror=alert(167)&amp;gt;",
    '<?xml-stylesheet type="text/xsl" href="javascript:alert(168)"?>',
    '"},"x":"</script><script>alert(169)</script>',
    '\\"</script><script>alert(170)</script>',
    "\\u003cscript\\u003ealert(171)\\u003c/script\\u003e",  # JSON unicode escapes
    "a & b < c > d \" e ' f",  # plain metacharacters, must round-trip as text
    # --- paths and URLs for link positions -------------------------------------------
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://evil.example/",
    "https://example.org/\"onmouseover=\"alert(180)",
    "https://example.org/'><script>alert(181)</script>",
    "https://example.org/?q=\"><svg onload=alert(182)>",
    "https://example.org/path with spaces/(parens)?a=1&b=<2>",
    "https://user:pass@evil.example@example.org/",
    "https://ex\u0430mple.org/",  # IDN homograph
    "https://example.org/" + "a" * 4000 + "?utm=" + "b" * 2000,
    "\\\\evil.example\\share\\x",
    " \t https://example.org/padded \t ",
    "",  # empty string
]

URL_PAYLOADS: dict[str, str] = {
    "js": "javascript:alert(54)",
    "js-mixed-case": "JaVaScRiPt:alert(55)",
    "js-tab": "java\tscript:alert(56)",
    "js-newline": "java\nscript:alert(57)",
    "js-leading-ctrl": "\x01javascript:alert(58)",
    "js-leading-space": " javascript:alert(59)",
    "js-entity-dec": "&#106;avascript:alert(60)",
    "js-entity-hex": "&#x6A;avascript:alert(61)",
    "js-entity-padded": _PADDED_ENTITIES,
    "js-entity-colon": "javascript&colon;alert(63)",
    "js-entity-tab": "java&Tab;script:alert(64)",
    "js-percent": "%6A%61%76%61%73%63%72%69%70%74%3Aalert(65)",
    "js-percent-colon": "javascript%3Aalert(66)",
    "js-title": "javascript:document.title='PWNED'",
    "js-comment-newline": "javascript://%0Aalert(68)",
    "js-zero-width": "jav\u200bascript:alert(148)",
    "js-homoglyph": "j\u0430vascript:alert(153)",
    "vbscript": "vbscript:alert(70)",
    "data-html": "data:text/html,<script>alert(71)</script>",
    "data-html-b64": "data:text/html;base64," + _B64_SCRIPT,
    "data-mixed-case": "DaTa:text/html,<svg onload=alert(73)>",
    "data-svg": 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(74)"/>',
    "data-js": "data:text/javascript,alert(75)",
    "traversal": "../../../../etc/passwd",
    "traversal-encoded": "..%2f..%2f..%2fetc%2fpasswd",
    "traversal-windows": "..\\..\\..\\windows\\win.ini",
    "absolute-path": "/etc/passwd",
    "file": "file:///etc/passwd",
    "protocol-relative": "//evil.example/x",
    "offsite": "https://evil.example/",
    "attr-breakout-dq": "https://example.org/\"onmouseover=\"alert(180)",
    "attr-breakout-sq": "https://example.org/'><script>alert(181)</script>",
    "query-breakout": "https://example.org/?q=\"><svg onload=alert(182)>",
    "spaces-parens": "https://example.org/path with spaces/(parens)?a=1&b=<2>",
    "userinfo": "https://user:pass@evil.example@example.org/",
    "idn-homograph": "https://ex\u0430mple.org/",
    "very-long": "https://example.org/" + "a" * 4000 + "?utm=" + "b" * 2000,
    "unc": "\\\\evil.example\\share\\x",
    "padded": " \t https://example.org/padded \t ",
    "empty": "",
}


def _check() -> None:
    dupes = {p for p in PAYLOADS if PAYLOADS.count(p) > 1}
    assert not dupes, f"duplicate payloads: {dupes!r}"
    missing = {k: v for k, v in URL_PAYLOADS.items() if v not in PAYLOADS}
    assert not missing, f"URL_PAYLOADS not in PAYLOADS: {missing!r}"
    assert len(PAYLOADS) >= 80, len(PAYLOADS)


_check()
