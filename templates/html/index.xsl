<?xml version="1.0" encoding="UTF-8"?>
<!--
  index.xsl: driver for the edition's store list.  Input
    <m:stores> m:edition, m:l10n, <m:store id name city city-name type/>...
  output <m:pages> with index.html: the stores grouped by city (cities in
  the order of their first store), each store linking to its site
  (stores/<id>/index.html) and its handbook (stores/<id>/handbook.html).
  A release's list (m:edition kind="release") names the release and its
  date, links to the list of every edition (../index.html), and when
  superseded starts with a notice linking to ../latest/index.html
  (release.xsl).
  Above the list, a form filters the halls by city, type and name; it is
  hidden until stores.js (templates/js, written beside the page) shows
  it, since without a script it could do nothing.  Each row and city
  carries data-city, data-type for it; the form's initial values come
  from the address (index.html?city=nanjing&type=county).  From 60em on,
  the cities sit side by side.

  Parameters (declared in the modules named):
    css.href         page.xsl   'manual.css'
    generated.date   page.xsl   footer "generated on"      '' (none)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/page.xsl"/>
  <xsl:import href="common/titlepage.xsl"/>
  <xsl:import href="common/release.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Stores by city, for grouping (Muenchian). -->
  <xsl:key name="stores-by-city" match="m:stores/m:store" use="@city"/>
  <xsl:key name="stores-by-type" match="m:stores/m:store" use="@type"/>

  <xsl:template match="/">
    <xsl:if test="not(m:stores)">
      <xsl:message terminate="yes">error: index.xsl expects an m:stores root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:stores"/>
    </m:pages>
  </xsl:template>

  <xsl:template match="m:stores">
    <xsl:variable name="title">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'all-stores'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="cities"
        select="m:store[generate-id() = generate-id(key('stores-by-city', @city)[1])]"/>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'index.html'"/>
      <xsl:with-param name="class" select="'stores-page'"/>
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="header">
        <p class="manual-title"><xsl:value-of select="$title"/></p>
        <xsl:apply-templates select="m:edition" mode="titlepage"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$title"/></h1>
        <p class="store-count">
          <xsl:call-template name="gentext.label">
            <xsl:with-param name="key" select="'store-count'"/>
          </xsl:call-template>
          <xsl:value-of select="count(m:store)"/>
        </p>
        <xsl:if test="m:edition/@kind = 'release'">
          <p class="all-editions">
            <a href="../index.html">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'all-editions'"/>
              </xsl:call-template>
            </a>
          </p>
        </xsl:if>
        <nav class="city-index">
          <xsl:attribute name="aria-label">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'city'"/>
            </xsl:call-template>
          </xsl:attribute>
          <ul>
            <xsl:for-each select="$cities">
              <li><a href="#city-{@city}"><xsl:value-of select="@city-name"/></a></li>
            </xsl:for-each>
          </ul>
        </nav>
        <xsl:call-template name="store.filter">
          <xsl:with-param name="cities" select="$cities"/>
        </xsl:call-template>
        <div class="cities">
          <xsl:apply-templates select="$cities" mode="city"/>
        </div>
        <script src="stores.js"></script>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The filter: city, type, name; #filter-count says how many show
       (filter.count: {1} shown, {2} in all). -->
  <xsl:template name="store.filter">
    <xsl:param name="cities"/>
    <form class="store-filter" id="store-filter" hidden="">
      <xsl:attribute name="aria-label">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'filter.legend'"/>
        </xsl:call-template>
      </xsl:attribute>
      <p>
        <label for="filter-city">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'city'"/>
          </xsl:call-template>
        </label>
        <select id="filter-city" name="city">
          <option value="">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'filter.all-cities'"/>
            </xsl:call-template>
          </option>
          <xsl:for-each select="$cities">
            <option value="{@city}"><xsl:value-of select="@city-name"/></option>
          </xsl:for-each>
        </select>
      </p>
      <p>
        <label for="filter-type">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'type'"/>
          </xsl:call-template>
        </label>
        <select id="filter-type" name="type">
          <option value="">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'filter.all-types'"/>
            </xsl:call-template>
          </option>
          <xsl:for-each select="m:store[generate-id() =
                                generate-id(key('stores-by-type', @type)[1])]">
            <option value="{@type}">
              <xsl:value-of select="normalize-space(
                  (@type-label | key('l10n', concat('store-type.', @type)))[1])"/>
            </option>
          </xsl:for-each>
        </select>
      </p>
      <p>
        <label for="filter-name">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'filter.name'"/>
          </xsl:call-template>
        </label>
        <input type="search" id="filter-name" name="q" autocomplete="off"/>
      </p>
      <p id="filter-count" class="filter-count" role="status">
        <xsl:attribute name="data-count">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'filter.count'"/>
          </xsl:call-template>
        </xsl:attribute>
      </p>
    </form>
  </xsl:template>

  <!-- One city: its heading and a table of its stores. -->
  <xsl:template match="m:store" mode="city">
    <section class="city" id="city-{@city}" data-city="{@city}">
      <h2><xsl:value-of select="@city-name"/></h2>
      <div class="table-wrap" tabindex="0" role="group">
        <xsl:call-template name="table.scroll.label"/>
        <table class="stores">
          <thead>
            <tr>
              <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'store'"/></xsl:call-template></th>
              <th scope="col" class="col-city"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'city'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'type'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'printable-handbook'"/></xsl:call-template></th>
            </tr>
          </thead>
          <tbody>
            <xsl:apply-templates select="key('stores-by-city', @city)" mode="row"/>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template match="m:store" mode="row">
    <tr data-city="{@city}" data-type="{@type}" data-id="{@id}">
      <td><a href="stores/{@id}/index.html"><xsl:value-of select="@name"/></a></td>
      <td class="col-city"><xsl:value-of select="@city-name"/></td>
      <td><xsl:apply-templates select="." mode="store.type"/></td>
      <td>
        <a href="stores/{@id}/handbook.html">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'printable-handbook'"/>
          </xsl:call-template>
        </a>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
