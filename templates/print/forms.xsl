<?xml version="1.0" encoding="UTF-8"?>
<!--
  forms.xsl: forms.pdf, A4: the hall's duty matrix (every declared duty
  against the hall's posts, a mark under its owner here), then every
  declared form (m:forms) laid out from its declaration: title, who fills
  it and how long it is kept, its columns as a table whose header repeats
  on every page, its pre-printed rows (m:row, first column) and then
  blank-rows empty rows (10 when the declaration sets neither).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/sheet.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="posts" select="/m:manual/m:duties/m:post"/>

  <xsl:template match="/">
    <xsl:call-template name="typst.preamble">
      <xsl:with-param name="title">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'forms'"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="header" select="$sheet.header"/>
      <xsl:with-param name="footer" select="$sheet.footer"/>
      <xsl:with-param name="first-page-plain" select="false()"/>
      <xsl:with-param name="margin" select="'(x: 15mm, top: 16mm, bottom: 15mm)'"/>
    </xsl:call-template>
    <xsl:call-template name="sheet.helpers"/>
    <xsl:text>#set text(size: 9pt)&#10;</xsl:text>
    <xsl:apply-templates select="/m:manual/m:duties[m:duty]"/>
    <xsl:apply-templates select="/m:manual/m:forms/m:form"/>
  </xsl:template>

  <xsl:template name="heading">
    <xsl:param name="value"/>
    <xsl:text>#heading(level: 1, outlined: false)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="$value"/>
    </xsl:call-template>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="cell">
    <xsl:param name="value"/>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="$value"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
  </xsl:template>

  <!-- ==== The duty matrix ================================================ -->

  <xsl:template match="m:duties">
    <xsl:call-template name="heading">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.form.matrix'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.form.matrix-note'"/>
    </xsl:call-template>
    <xsl:text>&#10;&#10;#table(columns: (auto, 1fr</xsl:text>
    <xsl:for-each select="$posts">, 3.4em</xsl:for-each>
    <xsl:text>, auto), align: (x, y) => if x >= 2 and x &lt; </xsl:text>
    <xsl:value-of select="count($posts) + 2"/>
    <xsl:text> { center } else { left },&#10;  table.header(</xsl:text>
    <xsl:call-template name="cell">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.form.duty-id'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:call-template name="cell">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.form.duty'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:for-each select="$posts">
      <xsl:call-template name="cell">
        <xsl:with-param name="value" select="@title"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="cell">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'print.form.note'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>),&#10;</xsl:text>
    <xsl:apply-templates select="m:duty"/>
    <xsl:text>)&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="m:duty">
    <xsl:variable name="duty" select="."/>
    <xsl:text>  </xsl:text>
    <xsl:call-template name="cell">
      <xsl:with-param name="value" select="@id"/>
    </xsl:call-template>
    <xsl:call-template name="cell">
      <xsl:with-param name="value" select="@title"/>
    </xsl:call-template>
    <xsl:for-each select="$posts">
      <xsl:choose>
        <xsl:when test="@key = $duty/@owner and $duty/@status != 'not-applicable'
                        and $duty/@status != 'outside'">[●], </xsl:when>
        <xsl:otherwise>[], </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:call-template name="cell">
      <xsl:with-param name="value">
        <xsl:choose>
          <xsl:when test="@status = 'reassigned'">
            <xsl:call-template name="gentext.template">
              <xsl:with-param name="key" select="'print.form.reassigned'"/>
              <xsl:with-param name="arg1" select="string(@owner-title)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="@status = 'outside'">
            <xsl:call-template name="gentext.template">
              <xsl:with-param name="key" select="'print.form.outside'"/>
              <xsl:with-param name="arg1" select="string(@owner-title)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="@status = 'not-applicable'">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'print.form.not-applicable'"/>
            </xsl:call-template>
          </xsl:when>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- ==== A form ========================================================= -->

  <xsl:template match="m:form">
    <xsl:call-template name="heading">
      <xsl:with-param name="value" select="@title"/>
    </xsl:call-template>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'print.form.filled-by'"/>
          <xsl:with-param name="arg1" select="string(@owner-title)"/>
        </xsl:call-template>
        <xsl:if test="@keep-months">
          <xsl:text>    </xsl:text>
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'print.form.keep'"/>
            <xsl:with-param name="arg1" select="string(@keep-months)"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:text>    </xsl:text>
        <xsl:call-template name="gentext.label">
          <xsl:with-param name="key" select="'print.form.date'"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text> #mg-blank(8em)&#10;&#10;#table(columns: (</xsl:text>
    <xsl:for-each select="m:column">
      <xsl:if test="position() > 1">, </xsl:if>
      <xsl:text>1fr</xsl:text>
    </xsl:for-each>
    <xsl:text>), inset: (x: 0.4em, y: 0.8em),&#10;  table.header(</xsl:text>
    <xsl:for-each select="m:column">
      <xsl:call-template name="cell">
        <xsl:with-param name="value" select="."/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:text>),&#10;</xsl:text>
    <xsl:variable name="n" select="count(m:column)"/>
    <xsl:for-each select="m:row">
      <xsl:text>  </xsl:text>
      <xsl:call-template name="cell">
        <xsl:with-param name="value" select="."/>
      </xsl:call-template>
      <xsl:text>..([],) * </xsl:text>
      <xsl:value-of select="$n - 1"/>
      <xsl:text>,&#10;</xsl:text>
    </xsl:for-each>
    <xsl:variable name="blank">
      <xsl:choose>
        <xsl:when test="@blank-rows"><xsl:value-of select="@blank-rows"/></xsl:when>
        <xsl:when test="m:row">0</xsl:when>
        <xsl:otherwise>10</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="number($blank) > 0 and $n > 0">
      <xsl:text>  ..([],) * </xsl:text>
      <xsl:value-of select="$n * number($blank)"/>
      <xsl:text>,&#10;</xsl:text>
    </xsl:if>
    <xsl:text>)&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
