<?xml version="1.0" encoding="UTF-8"?>
<!--
  l10n.xsl: generated words.  Every UI word comes from the m:l10n block of
  the input (/m:manual/m:l10n or /m:stores/m:l10n), which manualgen fills
  from templates/l10n/<lang>.xml merged over en.xml (the English fallback).

  gentext (named)        the string for $key; when missing, a warning and
                         the key itself.
  gentext.label (named)  the string for $key followed by the language's
                         label separator (key label-separator: "：" / ": ").
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

  <xsl:template name="gentext.label">
    <xsl:param name="key"/>
    <xsl:call-template name="gentext">
      <xsl:with-param name="key" select="$key"/>
    </xsl:call-template>
    <xsl:call-template name="gentext">
      <xsl:with-param name="key" select="'label-separator'"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
