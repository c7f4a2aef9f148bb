<?xml version="1.0" encoding="UTF-8"?>
<!--
  xref.xsl: the href of a link (mode xref.href).

  A cross reference (a link carrying m:anchor, set by the resolver) points
  to a section or to a heading inside one:
    xref.style = 'site'  <m:chapter>.html#<m:anchor>, or #<m:anchor> when
                         the target chapter is the page being written
                         (the link's own m:chapter ancestor);
    xref.style = 'page'  #<m:anchor> (everything is on one page).
  A form's name (a link carrying m:form, set by the resolver for a
  《title》 of a declared form) points to the form's entry, form.<id>:
    xref.style = 'site'  forms.html#form.<id>;
    xref.style = 'page'  #form.<id> (the handbook's forms part).
  Any other link keeps its destination, escaped as cmark does (md.href).

  A placeholder's value that is a phone number or an e-mail address
  (md:text with m:link="tel" or "mailto", set by the resolver from the
  parameter's schema type) is a link to call or write to it, unless it
  is inside a link already.  The value is only printed, never taken
  apart (generator/splice.c holes it).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:md="http://commonmark.org/xml/1.0"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="md m">

  <!-- 'site' (one page per chapter) or 'page' (the single-page handbook). -->
  <xsl:param name="xref.style" select="'site'"/>

  <xsl:template match="md:link[@m:anchor]" mode="xref.href">
    <xsl:if test="$xref.style != 'page'
                  and string(ancestor::m:chapter[1]/@id) != string(@m:chapter)">
      <xsl:value-of select="concat(@m:chapter, '.html')"/>
    </xsl:if>
    <xsl:value-of select="concat('#', @m:anchor)"/>
  </xsl:template>

  <xsl:template match="md:link[@m:form]" mode="xref.href">
    <xsl:if test="$xref.style != 'page'">forms.html</xsl:if>
    <xsl:value-of select="concat('#form.', @m:form)"/>
  </xsl:template>

  <xsl:template match="md:link" mode="xref.href">
    <xsl:call-template name="md.href">
      <xsl:with-param name="url" select="@destination"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="md:text[@m:link][not(*)]">
    <a class="contact" href="{@m:link}:{.}"><xsl:value-of select="."/></a>
  </xsl:template>

</xsl:stylesheet>
