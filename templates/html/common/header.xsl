<?xml version="1.0" encoding="UTF-8"?>
<!--
  header.xsl: the header of a store's pages (mode page.header on m:manual):
  the manual title (a link to the contents page when $home is non-empty),
  the store (name, city, type), the edition, and a search box when
  $search.href names the hall's search page (search.xsl) and $search is
  true.

  search.form (named): a GET form to $search.href, field q; $id: the
  field's id.  It works without a script: the search page reads q.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <!-- Relative address of the hall's search page; '' for no search box. -->
  <xsl:param name="search.href" select="''"/>

  <xsl:template match="m:manual" mode="page.header">
    <xsl:param name="home" select="''"/>
    <xsl:param name="search" select="true()"/>
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
    <xsl:if test="$search and $search.href != ''">
      <xsl:call-template name="search.form"/>
    </xsl:if>
  </xsl:template>

  <!-- A hall's printed pages: the hall and the manual at the top left,
       the edition at the top right, as CSS strings in custom properties
       that manual.css's @page margin boxes show (Chromium prints them). -->
  <xsl:template match="m:manual" mode="page.running">
    <xsl:variable name="edition">
      <xsl:apply-templates select="m:edition" mode="titlepage"/>
    </xsl:variable>
    <xsl:attribute name="style">
      <xsl:value-of select="concat('--mg-running-hall:&quot;', m:store/@name,
                                   ' · ', m:title, '&quot;;',
                                   '--mg-running-edition:&quot;',
                                   normalize-space($edition), '&quot;')"/>
    </xsl:attribute>
  </xsl:template>

  <xsl:template name="search.form">
    <xsl:param name="id" select="'search-box'"/>
    <form class="search-form" role="search" action="{$search.href}">
      <label for="{$id}">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'search.label'"/>
        </xsl:call-template>
      </label>
      <input type="search" id="{$id}" name="q" autocomplete="off">
        <xsl:attribute name="placeholder">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'search.label'"/>
          </xsl:call-template>
        </xsl:attribute>
      </input>
      <button type="submit">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'search'"/>
        </xsl:call-template>
      </button>
    </form>
  </xsl:template>

</xsl:stylesheet>
