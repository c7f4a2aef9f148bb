<?xml version="1.0" encoding="UTF-8"?>
<!--
  titlepage.xsl (print): the cover of a printed handbook and the words the
  running head and foot share.  Uses edition.name and version.name of
  templates/html/common/titlepage.xsl (format-neutral text).

    m:manual (mode print.cover)  organisation, manual title, the hall's name,
                     id, city and type, version, date in force (a draft:
                     its date and "草稿（未生效）"), the document number,
                     the controlled-copy mark and note, and when the
                     resolver gave the hall an address (m:hall/m:qr), the
                     QR code as a grid of squares with the address
    print.version (named)  the edition as a phrase: "1.1 版" / "草稿 2026-11-29"
    print.document-number (named)  ID-VERSION ("nj-hexi-1.1", "nj-hexi-draft")
    user.cover.extra (named)  hook: Typst markup at the foot of the cover
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <!-- The width of the QR code on the cover. -->
  <xsl:param name="print.qr.width" select="'32mm'"/>

  <xsl:template name="print.version">
    <xsl:variable name="ed" select="/*/m:edition"/>
    <xsl:choose>
      <xsl:when test="$ed/@kind = 'release'">
        <xsl:call-template name="version.name"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="edition.name"/>
        <xsl:if test="$ed/@date">
          <xsl:text> </xsl:text>
          <xsl:value-of select="$ed/@date"/>
        </xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="print.document-number">
    <xsl:value-of select="concat(/*/m:store/@id, '-', /*/m:edition/@name)"/>
  </xsl:template>

  <!-- One row of the cover's table: label, value (both plain text). -->
  <xsl:template name="print.cover.row">
    <xsl:param name="key"/>
    <xsl:param name="value"/>
    <xsl:text>  [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="$key"/>
    </xsl:call-template>
    <xsl:text>], [</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="$value"/>
    </xsl:call-template>
    <xsl:text>],&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="m:manual" mode="print.cover">
    <xsl:variable name="ed" select="m:edition"/>
    <xsl:text>#page(header: none, footer: none)[&#10;</xsl:text>
    <xsl:text>#align(right)[#box(stroke: 1.5pt, inset: 6pt, text(size: 1.2em, weight: "bold", </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.controlled-copy'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>))]&#10;#v(18mm)&#10;#align(center)[&#10;</xsl:text>
    <xsl:text>#text(size: 1.3em)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="m:organisation"/>
    </xsl:call-template>
    <xsl:text>]&#10;#v(8mm)&#10;#text(size: 2.6em, weight: "bold")[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="m:title"/>
    </xsl:call-template>
    <xsl:text>]&#10;#v(6mm)&#10;#text(size: 1.9em)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="m:store/@name"/>
    </xsl:call-template>
    <xsl:text>]&#10;</xsl:text>
    <xsl:if test="$ed/@kind != 'release'">
      <xsl:text>#v(4mm)&#10;#text(size: 1.4em, weight: "bold")[</xsl:text>
      <xsl:call-template name="gentext.typst">
        <xsl:with-param name="key" select="'print.draft-mark'"/>
      </xsl:call-template>
      <xsl:text>]&#10;</xsl:text>
    </xsl:if>
    <xsl:text>]&#10;#v(1fr)&#10;</xsl:text>
    <xsl:text>#grid(columns: (1fr, auto), column-gutter: 10mm, align: (left + bottom, center + bottom),&#10;</xsl:text>
    <xsl:text>grid(columns: (auto, 1fr), column-gutter: 6mm, row-gutter: 7pt,&#10;</xsl:text>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'store'"/>
      <xsl:with-param name="value" select="m:store/@name"/>
    </xsl:call-template>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'print.store-id'"/>
      <xsl:with-param name="value" select="m:store/@id"/>
    </xsl:call-template>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'city'"/>
      <xsl:with-param name="value" select="m:store/@city-name"/>
    </xsl:call-template>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'type'"/>
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="concat('store-type.', m:store/@type)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'edition'"/>
      <xsl:with-param name="value">
        <xsl:call-template name="print.version"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:if test="$ed/@kind = 'release' and $ed/@date">
      <xsl:call-template name="print.cover.row">
        <xsl:with-param name="key" select="'print.revision.date'"/>
        <xsl:with-param name="value">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'effective-from'"/>
            <xsl:with-param name="arg1" select="string($ed/@date)"/>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:if>
    <xsl:call-template name="print.cover.row">
      <xsl:with-param name="key" select="'print.document-number'"/>
      <xsl:with-param name="value">
        <xsl:call-template name="print.document-number"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>),&#10;</xsl:text>
    <xsl:choose>
      <xsl:when test="m:hall/m:qr[@modules and @size]">
        <xsl:variable name="qr" select="m:hall/m:qr"/>
        <xsl:text>[#mg-qr(</xsl:text>
        <xsl:call-template name="typst.string">
          <xsl:with-param name="value" select="translate($qr/@modules, translate($qr/@modules, '01', ''), '')"/>
        </xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:value-of select="number($qr/@size)"/>
        <xsl:text>, </xsl:text>
        <xsl:value-of select="$print.qr.width"/>
        <xsl:text>)&#10;#text(size: 0.8em)[</xsl:text>
        <xsl:call-template name="gentext.typst">
          <xsl:with-param name="key" select="'print.scan-online'"/>
        </xsl:call-template>
        <xsl:text>]],&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>[],&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>)&#10;</xsl:text>
    <xsl:if test="m:hall/m:online/@href">
      <xsl:text>#align(right, text(size: 0.75em)[</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="m:hall/m:online/@href"/>
      </xsl:call-template>
      <xsl:text>])&#10;</xsl:text>
    </xsl:if>
    <xsl:text>#v(6mm)&#10;#line(length: 100%, stroke: 0.5pt)&#10;#text(size: 0.85em)[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.controlled-copy-note'"/>
    </xsl:call-template>
    <xsl:text>]&#10;</xsl:text>
    <xsl:call-template name="user.cover.extra"/>
    <xsl:text>]&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="user.cover.extra"/>

</xsl:stylesheet>
