<?xml version="1.0" encoding="UTF-8"?>
<!--
  typst.xsl: format-neutral pieces of every print driver (templates/print/
  *.xsl, xsl:output method="text", Typst 0.14 markup).

  Safety (print-spec, "Typst source"): every value from the content or the
  parameters is written as a Typst string literal, never as markup.  Only
  this module writes literals; the markup around them (function calls,
  brackets) is the stylesheets' own.

  typst.string (named)   $value as a string literal for code: "…", with
                         \ -> \\, " -> \", LF -> \n, CR -> \r, TAB -> \t
  typst.text (named)     $value as text in markup: #"…" (nothing when
                         $value is empty).  What follows it must not start
                         with ( [ or . (it would continue the expression):
                         the stylesheets only write # ] space or newline
                         after it.
  gentext.typst (named)  the l10n string for $key as #"…"
  gentext.typst.code (named)
                         the l10n string for $key as a Typst code
                         expression of type str: its {1} / {2} replaced by
                         the code expressions $arg1 / $arg2 (the caller's
                         own Typst code, e.g. str(here().page())), the
                         rest string literals: ("第 " + A + " 页")
  typst.preamble (named) the document set-up: document metadata (date
                         none), page (A4 unless $paper, margins, running
                         head and foot from the hooks below), text (Noto
                         CJK, lang/region from the manual's language),
                         paragraphs, headings kept with their next block,
                         each level-1 heading on a new page, tables, and
                         the helper functions the modules call (mg-box,
                         mg-task-list, mg-changed, mg-qr)
    $paper       "a4" (cards pass "a6")
    $title       the document title (a value)
    $header      Typst code (content) for the running head, '' for none
    $footer      Typst code (content) for the running foot, '' for none
    $first-page-plain  true(): no head or foot on page 1 (the cover)
  typst.lang (variable)  "zh" or "en", from the manual's language
  typst.region (variable) "cn" or ''

  Generated words: l10n.xsl (templates/html/common, format-neutral: the
  strings come from the input's m:l10n block).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:str="http://exslt.org/strings"
                extension-element-prefixes="str"
                exclude-result-prefixes="m str">

  <xsl:import href="../../html/common/l10n.xsl"/>

  <!-- The fonts of fonts-noto-cjk: the only folder the worker reads. -->
  <xsl:param name="typst.font" select="'Noto Sans CJK SC'"/>
  <xsl:param name="typst.font.mono" select="'Noto Sans Mono CJK SC'"/>
  <!-- Body text size. -->
  <xsl:param name="typst.font.size" select="'10.5pt'"/>

  <xsl:variable name="typst.lang">
    <xsl:choose>
      <xsl:when test="starts-with($page.lang, 'zh')">zh</xsl:when>
      <xsl:otherwise>en</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="typst.region">
    <xsl:if test="starts-with($page.lang, 'zh')">cn</xsl:if>
  </xsl:variable>

  <!-- ==== String literals ================================================ -->

  <xsl:template name="typst.string">
    <xsl:param name="value"/>
    <xsl:text>"</xsl:text>
    <xsl:value-of select="str:replace(str:replace(str:replace(str:replace(
                          str:replace(string($value), '\', '\\'),
                          '&quot;', '\&quot;'),
                          '&#10;', '\n'), '&#13;', '\r'), '&#9;', '\t')"/>
    <xsl:text>"</xsl:text>
  </xsl:template>

  <xsl:template name="typst.text">
    <xsl:param name="value"/>
    <xsl:if test="string($value) != ''">
      <xsl:text>#</xsl:text>
      <xsl:call-template name="typst.string">
        <xsl:with-param name="value" select="$value"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- ==== Generated words ================================================ -->

  <xsl:template name="gentext.typst">
    <xsl:param name="key"/>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="$key"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="gentext.typst.code">
    <xsl:param name="key"/>
    <xsl:param name="arg1" select="'&quot;&quot;'"/>
    <xsl:param name="arg2" select="'&quot;&quot;'"/>
    <xsl:variable name="s">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="$key"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:text>(""</xsl:text>
    <xsl:call-template name="typst.fill.code">
      <xsl:with-param name="s" select="string($s)"/>
      <xsl:with-param name="arg1" select="string($arg1)"/>
      <xsl:with-param name="arg2" select="string($arg2)"/>
    </xsl:call-template>
    <xsl:text>)</xsl:text>
  </xsl:template>

  <!-- " + lit + (arg) + lit ..." for each piece of $s, left to right. -->
  <xsl:template name="typst.fill.code">
    <xsl:param name="s"/>
    <xsl:param name="arg1"/>
    <xsl:param name="arg2"/>
    <xsl:variable name="b1" select="substring-before($s, '{1}')"/>
    <xsl:variable name="b2" select="substring-before($s, '{2}')"/>
    <xsl:variable name="first">
      <xsl:choose>
        <xsl:when test="contains($s, '{1}')
                        and (not(contains($s, '{2}'))
                             or string-length($b1) &lt; string-length($b2))">1</xsl:when>
        <xsl:when test="contains($s, '{2}')">2</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="before">
      <xsl:choose>
        <xsl:when test="$first = 1"><xsl:value-of select="$b1"/></xsl:when>
        <xsl:when test="$first = 2"><xsl:value-of select="$b2"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$before != ''">
      <xsl:text> + </xsl:text>
      <xsl:call-template name="typst.string">
        <xsl:with-param name="value" select="$before"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$first != ''">
      <xsl:text> + (</xsl:text>
      <xsl:choose>
        <xsl:when test="$first = 1"><xsl:value-of select="$arg1"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$arg2"/></xsl:otherwise>
      </xsl:choose>
      <xsl:text>)</xsl:text>
      <xsl:call-template name="typst.fill.code">
        <xsl:with-param name="s" select="substring-after($s, concat('{', $first, '}'))"/>
        <xsl:with-param name="arg1" select="$arg1"/>
        <xsl:with-param name="arg2" select="$arg2"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- ==== Page set-up ==================================================== -->

  <xsl:template name="typst.preamble">
    <xsl:param name="paper" select="'a4'"/>
    <xsl:param name="title" select="''"/>
    <xsl:param name="header" select="''"/>
    <xsl:param name="footer" select="''"/>
    <xsl:param name="first-page-plain" select="true()"/>
    <xsl:param name="margin">
      <xsl:choose>
        <xsl:when test="$paper = 'a6'">(x: 8mm, top: 10mm, bottom: 10mm)</xsl:when>
        <xsl:otherwise>(left: 22mm, right: 20mm, top: 24mm, bottom: 22mm)</xsl:otherwise>
      </xsl:choose>
    </xsl:param>
    <xsl:text>// Generated by manualgen (templates/print); every value is a string literal.&#10;</xsl:text>
    <xsl:text>#set document(title: </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$title"/>
    </xsl:call-template>
    <xsl:text>, date: none)&#10;</xsl:text>
    <xsl:text>#set page(paper: </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$paper"/>
    </xsl:call-template>
    <xsl:text>, margin: </xsl:text>
    <xsl:value-of select="$margin"/>
    <xsl:if test="$header != ''">
      <xsl:text>,&#10;  header: context { </xsl:text>
      <xsl:if test="$first-page-plain">
        <xsl:text>if here().page() > 1 </xsl:text>
      </xsl:if>
      <xsl:text>{ </xsl:text>
      <xsl:value-of select="$header"/>
      <xsl:text> } }</xsl:text>
    </xsl:if>
    <xsl:if test="$footer != ''">
      <xsl:text>,&#10;  footer: context { </xsl:text>
      <xsl:if test="$first-page-plain">
        <xsl:text>if here().page() > 1 </xsl:text>
      </xsl:if>
      <xsl:text>{ </xsl:text>
      <xsl:value-of select="$footer"/>
      <xsl:text> } }</xsl:text>
    </xsl:if>
    <xsl:text>)&#10;</xsl:text>
    <xsl:text>#set text(font: (</xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$typst.font"/>
    </xsl:call-template>
    <xsl:text>,), size: </xsl:text>
    <xsl:value-of select="$typst.font.size"/>
    <xsl:text>, lang: </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$typst.lang"/>
    </xsl:call-template>
    <xsl:if test="$typst.region != ''">
      <xsl:text>, region: </xsl:text>
      <xsl:call-template name="typst.string">
        <xsl:with-param name="value" select="$typst.region"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:text>)&#10;</xsl:text>
    <xsl:text>#show raw: set text(font: (</xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$typst.font.mono"/>
    </xsl:call-template>
    <xsl:text>,))&#10;</xsl:text>
    <xsl:text><![CDATA[#set par(justify: true, leading: 0.75em, spacing: 1.1em)
#set heading(numbering: none)
#show heading: set block(sticky: true, above: 1.4em, below: 0.8em)
#show heading.where(level: 1): it => { pagebreak(weak: true); set text(size: 1.6em); it }
#show heading.where(level: 2): set text(size: 1.3em)
#show heading.where(level: 3): set text(size: 1.1em)
#set table(stroke: 0.5pt, inset: 5pt)
#show table: set par(justify: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#set list(indent: 0.5em)
#set enum(indent: 0.5em)
#show footnote.entry: set text(size: 0.8em)
// a task box; done: a filled inner square
#let mg-box(done) = box(width: 0.85em, height: 0.85em, stroke: 1pt, baseline: 0.1em,
  inset: 0.15em, if done { box(width: 100%, height: 100%, fill: black) })
// a task list: one row per (done, body) pair, kept whole on a page
#let mg-task-list(..items) = block(grid(columns: (auto, 1fr), column-gutter: 0.6em,
  row-gutter: 0.65em, ..items.pos().map(((done, body)) => (mg-box(done), body)).flatten()))
// a bar beside body in the left margin, 12 mm from the page's edge
// whatever the block's indent (a list item's or a paragraph's)
#let mg-margin-bar(body) = context {
  let x = here().position().x
  block(width: 100%, stroke: (left: 2.5pt), outset: (left: x - 12mm), body)
}
// a change bar in the left margin, with its label
#let mg-changed(label, body) = mg-margin-bar({
  text(size: 0.8em, weight: "bold", label); parbreak(); body })
// a bar beside a block whose text the release changed
#let mg-bar(body) = mg-margin-bar(body)
// a QR code from its modules (0 and 1, row by row), n modules a side
#let mg-qr(modules, n, width) = {
  let cell = width / (n + 8)
  box(width: width, height: width, inset: 4 * cell, fill: white,
    grid(columns: (cell,) * n, rows: (cell,) * n,
      ..modules.clusters().map(c => if c == "1" { box(width: cell, height: cell, fill: black) } else { [] })))
}
]]></xsl:text>
  </xsl:template>

</xsl:stylesheet>
