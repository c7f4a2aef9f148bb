<?xml version="1.0" encoding="UTF-8"?>
<!--
  chapter.xsl: the manual's content.
    m:chapter  <article class="chapter" id="chapter.<id>"> <h1> sections
    m:section  <section id="<id>"> <h2>title</h2> meta body </section>
  The headings are one level lower, h2 and h3, where md.heading.offset
  (cmark.xsl) is 1: in the single-page handbook, under its one h1.
  The section body (md:document) goes through cmark.xsl.  The meta line,
  only when there is something to say:
    m:revised-for  (a release)  "根据 FB-0003、FB-0004 修订", each id linked
                   to its entry in the release's resolved feedback
                   (changes.html#feedback.<id> on the site, #feedback.<id>
                   in the handbook) when the document lists it
    @feedback      a "反馈问题" link, the mailto: address as given
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:template match="m:chapter">
    <article class="chapter" id="chapter.{@id}">
      <xsl:element name="h{1 + $md.heading.offset}">
        <xsl:apply-templates select="." mode="title.markup"/>
      </xsl:element>
      <xsl:apply-templates select="m:section"/>
    </article>
  </xsl:template>

  <xsl:template match="m:section">
    <section id="{@id}" class="section">
      <xsl:element name="h{2 + $md.heading.offset}">
        <xsl:value-of select="m:title"/>
      </xsl:element>
      <xsl:if test="m:revised-for or @feedback">
        <p class="section-meta">
          <xsl:if test="m:revised-for">
            <span class="revised-for">
              <xsl:call-template name="revised.for">
                <xsl:with-param name="ids" select="m:revised-for/@id"/>
                <xsl:with-param name="page">
                  <xsl:if test="$xref.style != 'page'">changes.html</xsl:if>
                </xsl:with-param>
              </xsl:call-template>
            </span>
          </xsl:if>
          <xsl:if test="m:revised-for and @feedback">
            <xsl:text> </xsl:text>
          </xsl:if>
          <xsl:if test="@feedback">
            <a class="feedback-link" href="{@feedback}">
              <xsl:attribute name="aria-label">
                <xsl:call-template name="gentext.label">
                  <xsl:with-param name="key" select="'section-feedback'"/>
                </xsl:call-template>
                <xsl:value-of select="m:title"/>
              </xsl:attribute>
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'section-feedback'"/>
              </xsl:call-template>
            </a>
          </xsl:if>
        </p>
      </xsl:if>
      <xsl:apply-templates select="md:document"/>
    </section>
  </xsl:template>

</xsl:stylesheet>
