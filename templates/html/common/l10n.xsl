<?xml version="1.0" encoding="UTF-8"?>
<!--
  l10n.xsl: generated words.  Every UI word comes from the m:l10n block of
  the input (/m:manual/m:l10n or /m:stores/m:l10n), which manualgen fills
  from templates/l10n/<lang>.xml merged over en.xml (the English fallback).

  gentext (named)        the string for $key; when missing, a warning and
                         the key itself.
  gentext.label (named)  the string for $key followed by the language's
                         label separator (key label-separator: "：" / ": ").
  gentext.template (named)
                         the string for $key with {1} replaced by $arg1 and
                         {2} by $arg2 (each a string or nodes, copied), so
                         that each language orders the sentence its own
                         way: "本版已被 {1}取代。" / "... superseded by {1}."
                         A placeholder the string lacks is left out.
  gentext.list (named)   the string values of $nodes joined by the
                         language's list separator (key list-separator:
                         "、" / ", ").
  table.scroll.label (named)
                         the aria-label attribute of a box that holds a
                         table and scrolls sideways (key table-scroll):
                         the keyboard stops on the box, which says what
                         it is.
  page.lang (variable)   the language of the pages.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:key name="l10n" match="/*/m:l10n/m:string" use="@key"/>

  <xsl:variable name="page.lang"
                select="string((/*/@lang | /*/m:l10n/@lang)[1])"/>

  <xsl:template name="gentext">
    <xsl:param name="key"/>
    <xsl:variable name="s" select="key('l10n', $key)"/>
    <xsl:choose>
      <xsl:when test="$s">
        <xsl:value-of select="$s[1]"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message>
          <xsl:text>warning: no string for key "</xsl:text>
          <xsl:value-of select="$key"/>
          <xsl:text>" in language </xsl:text>
          <xsl:value-of select="$page.lang"/>
        </xsl:message>
        <xsl:value-of select="$key"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="table.scroll.label">
    <xsl:attribute name="aria-label">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'table-scroll'"/>
      </xsl:call-template>
    </xsl:attribute>
  </xsl:template>

  <xsl:template name="gentext.label">
    <xsl:param name="key"/>
    <xsl:call-template name="gentext">
      <xsl:with-param name="key" select="$key"/>
    </xsl:call-template>
    <xsl:call-template name="gentext">
      <xsl:with-param name="key" select="'label-separator'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="gentext.template">
    <xsl:param name="key"/>
    <xsl:param name="arg1" select="''"/>
    <xsl:param name="arg2" select="''"/>
    <xsl:variable name="s">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="$key"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="gentext.fill">
      <xsl:with-param name="s" select="string($s)"/>
      <xsl:with-param name="arg1" select="$arg1"/>
      <xsl:with-param name="arg2" select="$arg2"/>
    </xsl:call-template>
  </xsl:template>

  <!-- $s with each {1} / {2} replaced, left to right. -->
  <xsl:template name="gentext.fill">
    <xsl:param name="s"/>
    <xsl:param name="arg1"/>
    <xsl:param name="arg2"/>
    <xsl:variable name="b1" select="substring-before($s, '{1}')"/>
    <xsl:variable name="b2" select="substring-before($s, '{2}')"/>
    <xsl:choose>
      <xsl:when test="contains($s, '{1}')
                      and (not(contains($s, '{2}'))
                           or string-length($b1) &lt; string-length($b2))">
        <xsl:value-of select="$b1"/>
        <xsl:copy-of select="$arg1"/>
        <xsl:call-template name="gentext.fill">
          <xsl:with-param name="s" select="substring-after($s, '{1}')"/>
          <xsl:with-param name="arg1" select="$arg1"/>
          <xsl:with-param name="arg2" select="$arg2"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="contains($s, '{2}')">
        <xsl:value-of select="$b2"/>
        <xsl:copy-of select="$arg2"/>
        <xsl:call-template name="gentext.fill">
          <xsl:with-param name="s" select="substring-after($s, '{2}')"/>
          <xsl:with-param name="arg1" select="$arg1"/>
          <xsl:with-param name="arg2" select="$arg2"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="gentext.list">
    <xsl:param name="nodes"/>
    <xsl:for-each select="$nodes">
      <xsl:if test="position() > 1">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'list-separator'"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:value-of select="."/>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
