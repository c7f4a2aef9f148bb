<?xml version="1.0" encoding="UTF-8"?>
<!--
  catchall.xsl: complain about any element no template handles, then render
  its element children so the rest of the page still appears.  Drivers
  import it FIRST, so that it has the lowest import precedence and every
  real template wins over it.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:template match="*">
    <xsl:message>
      <xsl:text>warning: no template for element </xsl:text>
      <xsl:value-of select="name()"/>
      <xsl:text> {</xsl:text>
      <xsl:value-of select="namespace-uri()"/>
      <xsl:text>} under </xsl:text>
      <xsl:value-of select="name(..)"/>
    </xsl:message>
    <xsl:apply-templates select="*"/>
  </xsl:template>

</xsl:stylesheet>
