<?xml version="1.0" encoding="UTF-8"?>
<!--
  body.xsl: driver for `manualgen render`: one md:document (the input root)
  to an HTML fragment.  Cross references use the site form
  (<chapter>.html#<anchor>), there being no current chapter.

  Parameters: xref.style (xref.xsl), default 'site'.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="md">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/cmark.xsl"/>
  <xsl:import href="common/xref.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/duties.xsl"/>

  <xsl:output method="html" encoding="UTF-8" indent="no"/>

  <xsl:template match="/">
    <xsl:apply-templates select="md:document"/>
    <xsl:if test="not(md:document)">
      <xsl:message terminate="yes">error: body.xsl expects an md:document root</xsl:message>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
