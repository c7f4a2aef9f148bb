<?xml version="1.0" encoding="UTF-8"?>
<!--
  feedback.xsl: driver for HQ's page of the field-feedback ledger.  Input
  <m:feedback> (see common/feedback.xsl); output <m:pages> with
  feedback.html: how many items are in each state; the open items by
  section (in the manual's order) and by hall, each linking to the item;
  then every item with its history, up to the release that resolved it.

  Parameters (declared in the modules named):
    css              page.xsl   the stylesheet, put inside the page   ''
    css.href         page.xsl   or the address it is linked from      'manual.css'
    generated.date   page.xsl   footer "generated on"                 '' (none)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/page.xsl"/>
  <xsl:import href="common/feedback.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:key name="open-by-section" match="m:item[@status = 'open']" use="@section"/>
  <xsl:key name="open-by-store" match="m:item[@status = 'open']" use="@store"/>

  <xsl:template match="/">
    <xsl:if test="not(m:feedback)">
      <xsl:message terminate="yes">error: feedback.xsl expects an m:feedback root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:feedback"/>
    </m:pages>
  </xsl:template>

  <xsl:template match="m:feedback">
    <xsl:variable name="title">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'feedback-ledger'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'feedback.html'"/>
      <xsl:with-param name="class" select="'feedback-page'"/>
      <xsl:with-param name="title" select="concat($title, ' · ', m:title)"/>
      <xsl:with-param name="header">
        <p class="manual-title"><xsl:value-of select="m:title"/></p>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$title"/></h1>
        <xsl:call-template name="counts"/>
        <nav class="feedback-index">
          <xsl:attribute name="aria-label">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </xsl:attribute>
          <ul>
            <li><a href="#open-by-section"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-open-by-section'"/></xsl:call-template></a></li>
            <li><a href="#open-by-store"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-open-by-store'"/></xsl:call-template></a></li>
            <li><a href="#all-items"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-all'"/></xsl:call-template></a></li>
          </ul>
        </nav>
        <section class="feedback-open" id="open-by-section">
          <h2><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-open-by-section'"/></xsl:call-template></h2>
          <xsl:call-template name="none-open"/>
          <xsl:apply-templates select="m:sections/m:section[key('open-by-section', @id)]"
                               mode="open"/>
        </section>
        <section class="feedback-open" id="open-by-store">
          <h2><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-open-by-store'"/></xsl:call-template></h2>
          <xsl:call-template name="none-open"/>
          <xsl:apply-templates select="m:stores/m:store[key('open-by-store', @id)]"
                               mode="open"/>
        </section>
        <section class="feedback-all" id="all-items">
          <h2><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-all'"/></xsl:call-template></h2>
          <xsl:apply-templates select="m:item" mode="feedback.item"/>
        </section>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- How many items are in each state. -->
  <xsl:template name="counts">
    <ul class="feedback-counts">
      <xsl:call-template name="count"><xsl:with-param name="status" select="'open'"/></xsl:call-template>
      <xsl:call-template name="count"><xsl:with-param name="status" select="'accepted'"/></xsl:call-template>
      <xsl:call-template name="count"><xsl:with-param name="status" select="'rejected'"/></xsl:call-template>
      <xsl:call-template name="count"><xsl:with-param name="status" select="'resolved'"/></xsl:call-template>
    </ul>
  </xsl:template>

  <xsl:template name="count">
    <xsl:param name="status"/>
    <li class="feedback-count-{$status}">
      <xsl:call-template name="gentext.label">
        <xsl:with-param name="key" select="concat('feedback-status.', $status)"/>
      </xsl:call-template>
      <xsl:value-of select="count(m:item[@status = $status])"/>
    </li>
  </xsl:template>

  <xsl:template name="none-open">
    <xsl:if test="not(m:item[@status = 'open'])">
      <p class="feedback-none">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'feedback-none-open'"/>
        </xsl:call-template>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- The open items about one section. -->
  <xsl:template match="m:section" mode="open">
    <section class="feedback-group" id="section-{@id}">
      <h3>
        <xsl:if test="@chapter">
          <xsl:value-of select="@chapter"/>
          <xsl:text> › </xsl:text>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="@id"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <div class="table-wrap">
        <table class="feedback-items">
          <xsl:call-template name="feedback.table.head">
            <xsl:with-param name="by" select="'section'"/>
          </xsl:call-template>
          <tbody>
            <xsl:apply-templates select="key('open-by-section', @id)" mode="feedback.row">
              <xsl:with-param name="by" select="'section'"/>
            </xsl:apply-templates>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <!-- The open items one hall raised. -->
  <xsl:template match="m:store" mode="open">
    <section class="feedback-group" id="store-{@id}">
      <h3>
        <xsl:choose>
          <xsl:when test="@name != ''">
            <xsl:value-of select="@name"/>
            <xsl:if test="@city-name != ''">
              <xsl:text> · </xsl:text>
              <xsl:value-of select="@city-name"/>
            </xsl:if>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="@id"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <div class="table-wrap">
        <table class="feedback-items">
          <xsl:call-template name="feedback.table.head">
            <xsl:with-param name="by" select="'store'"/>
          </xsl:call-template>
          <tbody>
            <xsl:apply-templates select="key('open-by-store', @id)" mode="feedback.row">
              <xsl:with-param name="by" select="'store'"/>
            </xsl:apply-templates>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

</xsl:stylesheet>
