<?xml version="1.0" encoding="UTF-8"?>
<!--
  header.xsl: the header of a store's pages (mode page.header on m:manual):
  the manual title (a link to the contents page when $home is non-empty),
  the store (name, city, type) and the edition.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:template match="m:manual" mode="page.header">
    <xsl:param name="home" select="''"/>
    <p class="manual-title">
      <xsl:choose>
        <xsl:when test="$home != ''">
          <a href="{$home}"><xsl:value-of select="m:title"/></a>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="m:title"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:apply-templates select="m:store" mode="titlepage"/>
    <xsl:apply-templates select="m:edition" mode="titlepage"/>
  </xsl:template>

</xsl:stylesheet>
