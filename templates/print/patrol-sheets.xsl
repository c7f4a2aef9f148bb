<?xml version="1.0" encoding="UTF-8"?>
<!--
  patrol-sheets.xsl: patrol-sheets.pdf, A4, one page per round of the hall
  (m:hall/m:patrols, in their order) at the hall's times, with the hall's
  zones (m:hall/m:zones: only those it has) and each zone's checklist
  items as rows: a box, finding, action, signature.

  A zone's items come from the zone checklist section ($checklist.section):
  a level-3 or level-4 heading whose text is the zone's name, directly
  followed by a task list (print-spec). A zone without one gets a row
  saying so, so that the sheet still lists every zone.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:import href="common/sheet.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- The id of the zone checklist section. -->
  <xsl:param name="checklist.section" select="'patrol-zones'"/>

  <xsl:variable name="checklist"
                select="//m:section[@id = $checklist.section]/md:document"/>

  <xsl:template match="/">
    <xsl:call-template name="typst.preamble">
      <xsl:with-param name="title">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.sheet.title'"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="header" select="$sheet.header"/>
      <xsl:with-param name="footer" select="$sheet.footer"/>
      <xsl:with-param name="first-page-plain" select="false()"/>
      <xsl:with-param name="margin" select="'(x: 15mm, top: 16mm, bottom: 15mm)'"/>
    </xsl:call-template>
    <xsl:call-template name="sheet.helpers"/>
    <xsl:apply-templates select="/m:manual/m:hall/m:patrols/m:round"/>
  </xsl:template>

  <xsl:template match="m:round">
    <xsl:if test="position() > 1">
      <xsl:text>#pagebreak()&#10;</xsl:text>
    </xsl:if>
    <xsl:text>#mg-fit[&#10;#text(size: 1.5em, weight: "bold")[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="/m:manual/m:store/@name"/>
    </xsl:call-template>
    <xsl:text> #h(1em) </xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="sheet.round-title">
          <xsl:with-param name="kind" select="@kind"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>]&#10;&#10;#grid(columns: (1fr, 1fr, 1fr, 1.3fr), column-gutter: 1em,&#10;</xsl:text>
    <xsl:call-template name="time">
      <xsl:with-param name="kind" select="'weekday'"/>
      <xsl:with-param name="at" select="@weekday"/>
    </xsl:call-template>
    <!-- a round without a weekend time keeps its weekday one, without a
         holiday time its weekend one (params.xsd); holidays only where the
         hall has holiday hours of its own -->
    <xsl:variable name="weekend">
      <xsl:choose>
        <xsl:when test="string(@weekend) != ''"><xsl:value-of select="@weekend"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="@weekday"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:call-template name="time">
      <xsl:with-param name="kind" select="'weekend'"/>
      <xsl:with-param name="at" select="$weekend"/>
    </xsl:call-template>
    <xsl:choose>
      <xsl:when test="/m:manual/m:hall/m:hours/m:day[@kind = 'holiday']">
        <xsl:call-template name="time">
          <xsl:with-param name="kind" select="'holiday'"/>
          <xsl:with-param name="at">
            <xsl:choose>
              <xsl:when test="string(@holiday) != ''"><xsl:value-of select="@holiday"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$weekend"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>  [],&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>  [</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.label">
          <xsl:with-param name="key" select="'print.sheet.owner'"/>
        </xsl:call-template>
        <xsl:value-of select="@owner-title"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>])&#10;#v(0.4em)&#10;</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.date'"/>
    </xsl:call-template>
    <xsl:text> #mg-blank(8em) #h(2em) </xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.patroller'"/>
    </xsl:call-template>
    <xsl:text> #mg-blank(8em)&#10;#v(0.4em)&#10;</xsl:text>
    <xsl:text>#table(columns: (1fr, 2.8em, 22%, 18%, 11%), inset: 0.35em,&#10;</xsl:text>
    <xsl:text>  table.header(</xsl:text>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.item'"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:text>, [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.ok'"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:text>, [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.finding'"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:text>, [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.action'"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:text>, [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.sheet.signature'"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:text>),&#10;</xsl:text>
    <xsl:apply-templates select="/m:manual/m:hall/m:zones/m:zone"/>
    <xsl:text>)&#10;]&#10;</xsl:text>
  </xsl:template>

  <!-- A grid cell: "工作日 08:10", or "工作日 不巡视". -->
  <xsl:template name="time">
    <xsl:param name="kind"/>
    <xsl:param name="at"/>
    <xsl:text>  [</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="concat('print.sheet.', $kind)"/>
        </xsl:call-template>
        <xsl:text> </xsl:text>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:choose>
      <xsl:when test="string($at) != ''">
        <xsl:text>#strong[</xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="$at"/>
        </xsl:call-template>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="gentext.typst">
          <xsl:with-param name="key" select="'print.sheet.no-round'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>],&#10;</xsl:text>
  </xsl:template>

  <!-- A zone: a row across the table (its name and owner), then a row
       per checklist item. -->
  <xsl:template match="m:zone">
    <xsl:variable name="name" select="string(@name)"/>
    <xsl:variable name="list"
                  select="($checklist/md:heading[@level = 3 or @level = 4]
                                                [normalize-space(.) = $name]
                           /following-sibling::*[1][self::md:list][md:tasklist])[1]"/>
    <xsl:text>  table.cell(colspan: 5, fill: luma(230))[#strong[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="$name"/>
    </xsl:call-template>
    <xsl:text>] #h(1em) </xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'print.sheet.zone-owner'"/>
          <xsl:with-param name="arg1" select="string(@owner-title)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>],&#10;</xsl:text>
    <xsl:for-each select="$list/md:tasklist">
      <xsl:text>  [</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="normalize-space(.)"/>
      </xsl:call-template>
      <xsl:text>], [#mg-box(false)], [], [], [],&#10;</xsl:text>
    </xsl:for-each>
    <xsl:if test="not($list)">
      <xsl:text>  table.cell(colspan: 5)[#emph[</xsl:text>
      <xsl:call-template name="gentext.typst">
        <xsl:with-param name="key" select="'print.sheet.no-items'"/>
      </xsl:call-template>
      <xsl:text>]],&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
