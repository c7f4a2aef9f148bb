<?xml version="1.0" encoding="UTF-8"?>
<!--
  chapter.xsl (print): the manual's content in Typst.
    m:chapter  a level-1 heading "N 标题" (a new page: the preamble's show
               rule), then its sections
    m:section  a level-2 heading, the "根据 FB-0001 修订" line of a release,
               then the text.  When the release changed the section
               (/*/m:changes/m:change for it, not removed), the text is
               the change's marked copy: what was added or removed shows
               with change bars, underlines and strikes (blocks.xsl).
  Heading labels: <chapter.ID>, <ID> for sections (for the tests and for
  cross references by page).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:key name="print.change" match="/*/m:changes/m:change" use="@section"/>

  <!-- A label after a heading, only when the id is a plain one. -->
  <xsl:template name="print.label">
    <xsl:param name="id"/>
    <xsl:if test="$id != '' and translate($id,
                  'abcdefghijklmnopqrstuvwxyz0123456789-.', '') = ''">
      <xsl:text> &lt;</xsl:text>
      <xsl:value-of select="$id"/>
      <xsl:text>&gt;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="m:chapter">
    <xsl:text>#heading(level: 1)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:if test="@n">
          <xsl:value-of select="concat(@n, ' ')"/>
        </xsl:if>
        <xsl:value-of select="m:title"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:call-template name="print.label">
      <xsl:with-param name="id" select="concat('chapter.', @id)"/>
    </xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:apply-templates select="m:section"/>
  </xsl:template>

  <xsl:template match="m:section">
    <xsl:variable name="change"
                  select="key('print.change', @id)[@status != 'removed'][md:document]"/>
    <xsl:text>#heading(level: 2)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="m:title"/>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
    <xsl:call-template name="print.label">
      <xsl:with-param name="id" select="@id"/>
    </xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:if test="m:revised-for">
      <xsl:text>#text(size: 0.85em, fill: luma(70))[</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'revised-for'"/>
            <xsl:with-param name="arg1">
              <xsl:call-template name="gentext.list">
                <xsl:with-param name="nodes" select="m:revised-for/@id"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="$change">
        <xsl:apply-templates select="$change[1]/md:document"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="md:document"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
