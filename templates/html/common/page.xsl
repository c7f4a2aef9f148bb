<?xml version="1.0" encoding="UTF-8"?>
<!--
  page.xsl: the skeleton shared by every HTML page, and the m:pages wrapper.

  page (named): one <m:page href=$href> holding
    <html lang> (and the running heads of print, mode page.running)
      <head> charset, viewport, <title>, the stylesheet </head>
      <body> skip link, notices (mode page.notice on the input's root,
             with $href: release.xsl's "superseded" notice; nothing
             here), <header> ($header, hook), the layout
             (<nav> sidebar when $nav is non-empty, <main id="main">),
             <footer> (hook) </body>
  Hooks for a customisation layer (empty here):
    user.head.content, user.header.content, user.footer.content.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <!-- Stylesheet text to put inline in <style>; when empty, the pages link
       to $css.href instead. -->
  <xsl:param name="css" select="''"/>
  <!-- Relative address of the stylesheet the pages link to. -->
  <xsl:param name="css.href" select="'manual.css'"/>
  <!-- When non-empty, the footer says "generated on <this>". -->
  <xsl:param name="generated.date" select="''"/>

  <xsl:template name="page">
    <xsl:param name="href"/>      <!-- file name of the page -->
    <xsl:param name="title"/>     <!-- text of <title> -->
    <xsl:param name="class"/>     <!-- class of <body> -->
    <xsl:param name="header"/>    <!-- nodes inside <header> -->
    <xsl:param name="nav"/>       <!-- nodes of the sidebar, or nothing -->
    <xsl:param name="content"/>   <!-- nodes inside <main> -->
    <m:page href="{$href}">
      <html lang="{$page.lang}">
        <xsl:apply-templates select="/*" mode="page.running"/>
        <head>
          <meta charset="utf-8"/>
          <meta name="viewport" content="width=device-width, initial-scale=1"/>
          <title><xsl:value-of select="$title"/></title>
          <xsl:choose>
            <xsl:when test="$css != ''">
              <style><xsl:value-of select="$css"/></style>
            </xsl:when>
            <xsl:otherwise>
              <link rel="stylesheet" href="{$css.href}"/>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="user.head.content"/>
        </head>
        <body class="{$class}">
          <a class="skip-link" href="#main">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'skip-to-content'"/>
            </xsl:call-template>
          </a>
          <xsl:apply-templates select="/*" mode="page.notice">
            <xsl:with-param name="href" select="$href"/>
          </xsl:apply-templates>
          <header class="page-header">
            <xsl:copy-of select="$header"/>
            <xsl:if test="normalize-space($nav) != ''">
              <!-- on a phone the contents follow the text: a way there -->
              <p class="toc-jump">
                <a href="#toc">
                  <xsl:call-template name="gentext">
                    <xsl:with-param name="key" select="'contents'"/>
                  </xsl:call-template>
                </a>
              </p>
            </xsl:if>
            <xsl:call-template name="user.header.content"/>
          </header>
          <div class="layout">
            <xsl:if test="normalize-space($nav) != ''">
              <nav class="sidebar" id="toc">
                <xsl:attribute name="aria-label">
                  <xsl:call-template name="gentext">
                    <xsl:with-param name="key" select="'contents'"/>
                  </xsl:call-template>
                </xsl:attribute>
                <xsl:copy-of select="$nav"/>
              </nav>
            </xsl:if>
            <main id="main">
              <xsl:copy-of select="$content"/>
            </main>
          </div>
          <footer class="page-footer">
            <xsl:if test="$generated.date != ''">
              <p class="generated">
                <xsl:call-template name="gentext.label">
                  <xsl:with-param name="key" select="'generated-on'"/>
                </xsl:call-template>
                <xsl:value-of select="$generated.date"/>
              </p>
            </xsl:if>
            <xsl:call-template name="user.footer.content"/>
          </footer>
        </body>
      </html>
    </m:page>
  </xsl:template>

  <!-- Attributes of <html> that give printed pages their running heads
       (the page's @page margin boxes in manual.css): none unless a module
       imported after this one says otherwise (header.xsl, for a hall). -->
  <xsl:template match="/*" mode="page.running"/>

  <!-- Notices at the top of every page: none unless a module imported
       after this one says otherwise. -->
  <xsl:template match="/*" mode="page.notice"/>

  <!-- Hooks: override in a layer that imports the driver. -->
  <xsl:template name="user.head.content"/>
  <xsl:template name="user.header.content"/>
  <xsl:template name="user.footer.content"/>

</xsl:stylesheet>
