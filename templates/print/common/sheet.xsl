<?xml version="1.0" encoding="UTF-8"?>
<!--
  sheet.xsl: what the hall's printed sheets share (patrol-sheets.xsl,
  forms.xsl, cards.xsl, signoff.xsl): the hall and edition line, the page
  footer, and a Typst helper that fits a page's content to its page.
  Builds on typst.xsl (string literals, generated words, page set-up).

  sheet.edition (variable)  the edition as the sheets name it: "草稿" or
                            "1.1 版" (a value, not yet a literal)
  sheet.header (variable)   Typst code: hall name and edition, small
  sheet.footer (variable)   Typst code: edition and "第 X 页 共 Y 页"
  sheet.helpers (named)     Typst definitions: mg-fit(body) sets body at
                            the largest of a few text sizes that fits the
                            rest of the page, so that a patrol sheet or a
                            card stays one page whatever the hall has
  sheet.round-title (named) the l10n name of a round's kind ($kind)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="typst.xsl"/>

  <xsl:variable name="sheet.edition">
    <xsl:choose>
      <xsl:when test="/*/m:edition/@kind = 'release'">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'version-name'"/>
          <xsl:with-param name="arg1" select="string(/*/m:edition/@name)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'draft'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="sheet.header">
    <xsl:text>set text(size: 7.5pt, fill: luma(90)); </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="concat(/*/m:organisation, ' · ',
                                           /*/m:store/@name)"/>
    </xsl:call-template>
    <xsl:text>; h(1fr); </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$sheet.edition"/>
    </xsl:call-template>
  </xsl:variable>

  <xsl:variable name="sheet.footer">
    <xsl:text>set text(size: 7.5pt, fill: luma(90)); </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="concat(/*/m:store/@name, ' ',
                                           /*/m:store/@id, ' · ', $sheet.edition)"/>
    </xsl:call-template>
    <xsl:text>; h(1fr); </xsl:text>
    <xsl:call-template name="gentext.typst.code">
      <xsl:with-param name="key" select="'print.sheet.page'"/>
      <xsl:with-param name="arg1" select="'str(counter(page).get().first())'"/>
      <xsl:with-param name="arg2" select="'str(counter(page).final().first())'"/>
    </xsl:call-template>
  </xsl:variable>

  <xsl:template name="sheet.helpers">
    <xsl:text><![CDATA[// the largest text size at which body fits what is left of the page
#let mg-fit(body, sizes: (9pt, 8.5pt, 8pt, 7.5pt, 7pt, 6.5pt, 6pt, 5.5pt, 5pt)) = layout(region => {
  let chosen = sizes.last()
  for s in sizes {
    if measure(width: region.width, { set text(size: s); body }).height <= region.height {
      chosen = s
      break
    }
  }
  set text(size: chosen)
  body
})
// a line to write on
#let mg-blank(width) = box(width: width, stroke: (bottom: 0.5pt), height: 1em)
]]></xsl:text>
  </xsl:template>

  <xsl:template name="sheet.round-title">
    <xsl:param name="kind"/>
    <xsl:call-template name="gentext">
      <xsl:with-param name="key" select="concat('print.sheet.round.', $kind)"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
