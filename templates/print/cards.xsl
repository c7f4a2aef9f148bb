<?xml version="1.0" encoding="UTF-8"?>
<!--
  cards.xsl: cards.pdf, A6 pocket cards, one page per post the hall has
  (m:duties/m:post), or only the post $post names. A card holds that
  post's duties in this hall (m:duty with owner = the post: its own and
  those reassigned to it, by id and title: the text is in the handbook,
  and a county store manager's thirty would not fit an A6 page),
  the rounds it owns (m:hall/m:patrols), the titles of the sections whose
  front matter posts: names it ("standards to know"), and the hall's
  contacts. mg-fit keeps each card on one page.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:import href="common/sheet.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- One post's key; empty: every post the hall has. -->
  <xsl:param name="post" select="''"/>

  <xsl:template match="/">
    <xsl:call-template name="typst.preamble">
      <xsl:with-param name="paper" select="'a6'"/>
      <xsl:with-param name="title" select="concat(/m:manual/m:store/@name, ' ',
                                           /m:manual/m:title)"/>
      <xsl:with-param name="footer" select="$sheet.footer"/>
      <xsl:with-param name="first-page-plain" select="false()"/>
      <xsl:with-param name="margin" select="'(x: 7mm, top: 8mm, bottom: 11mm)'"/>
    </xsl:call-template>
    <xsl:call-template name="sheet.helpers"/>
    <xsl:text>#set par(justify: false, spacing: 0.6em, leading: 0.5em)&#10;</xsl:text>
    <xsl:apply-templates select="/m:manual/m:duties/m:post[$post = '' or @key = $post]"/>
  </xsl:template>

  <xsl:template name="subhead">
    <xsl:param name="key"/>
    <xsl:text>#v(0.3em)#text(weight: "bold", fill: luma(40))[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="$key"/>
    </xsl:call-template>
    <xsl:text>]&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="m:post">
    <xsl:variable name="key" select="string(@key)"/>
    <xsl:variable name="duties"
                  select="/m:manual/m:duties/m:duty[@owner = $key]
                          [@status != 'not-applicable' and @status != 'outside']"/>
    <xsl:variable name="rounds" select="/m:manual/m:hall/m:patrols/m:round[@owner = $key]"/>
    <xsl:variable name="sections"
                  select="/m:manual/m:chapter/m:section
                          [contains(concat(' ', @posts, ' '), concat(' ', $key, ' '))]"/>
    <xsl:if test="position() > 1">
      <xsl:text>#pagebreak()&#10;</xsl:text>
    </xsl:if>
    <xsl:text>#mg-fit(sizes: (9pt, 8.5pt, 8pt, 7.5pt, 7pt, 6.5pt, 6pt))[&#10;</xsl:text>
    <xsl:text>#text(size: 1.6em, weight: "bold")[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'print.card.title'"/>
          <xsl:with-param name="arg1" select="string(@title)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>]\&#10;</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="/m:manual/m:store/@name"/>
    </xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:if test="$duties">
      <xsl:call-template name="subhead">
        <xsl:with-param name="key" select="'print.card.duties'"/>
      </xsl:call-template>
      <xsl:for-each select="$duties">
        <xsl:text>- #strong[</xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="concat(@id, ' ', @title)"/>
        </xsl:call-template>
        <xsl:text>]&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$rounds">
      <xsl:call-template name="subhead">
        <xsl:with-param name="key" select="'print.card.rounds'"/>
      </xsl:call-template>
      <xsl:for-each select="$rounds">
        <xsl:text>- </xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value">
            <xsl:call-template name="sheet.round-title">
              <xsl:with-param name="kind" select="@kind"/>
            </xsl:call-template>
            <xsl:for-each select="@weekday | @weekend | @holiday">
              <xsl:if test=". != ''">
                <xsl:text>  </xsl:text>
                <xsl:call-template name="gentext">
                  <xsl:with-param name="key" select="concat('print.sheet.', local-name())"/>
                </xsl:call-template>
                <xsl:text> </xsl:text>
                <xsl:value-of select="."/>
              </xsl:if>
            </xsl:for-each>
          </xsl:with-param>
        </xsl:call-template>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$sections">
      <xsl:call-template name="subhead">
        <xsl:with-param name="key" select="'print.card.standards'"/>
      </xsl:call-template>
      <xsl:for-each select="$sections">
        <xsl:text>- </xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="m:title"/>
        </xsl:call-template>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="/m:manual/m:hall/m:contacts/m:contact">
      <xsl:call-template name="subhead">
        <xsl:with-param name="key" select="'print.card.contacts'"/>
      </xsl:call-template>
      <xsl:text>#table(columns: (1fr, auto), stroke: none, inset: (x: 0pt, y: 0.2em),&#10;</xsl:text>
      <xsl:for-each select="/m:manual/m:hall/m:contacts/m:contact">
        <xsl:text>  [</xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="concat(@label, ' ', @name)"/>
        </xsl:call-template>
        <xsl:text>], [</xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="@phone"/>
        </xsl:call-template>
        <xsl:text>],&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>)&#10;</xsl:text>
    </xsl:if>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
