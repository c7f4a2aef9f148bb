<?xml version="1.0" encoding="UTF-8"?>
<!--
  chapter.xsl: the manual's content.
    m:chapter  <article class="chapter" id="chapter.<id>"> <h1> sections
    m:section  <section id="<id>"> <h2>title</h2> body </section>
  The section body (md:document) goes through cmark.xsl.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:template match="m:chapter">
    <article class="chapter" id="chapter.{@id}">
      <h1><xsl:apply-templates select="." mode="title.markup"/></h1>
      <xsl:apply-templates select="m:section"/>
    </article>
  </xsl:template>

  <xsl:template match="m:section">
    <section id="{@id}" class="section">
      <h2><xsl:value-of select="m:title"/></h2>
      <xsl:apply-templates select="md:document"/>
    </section>
  </xsl:template>

</xsl:stylesheet>
