<?xml version="1.0" encoding="UTF-8"?>
<!--
  feed.xsl: driver for output/feeds/<id>.xml, one store's Atom 1.0 feed
  (RFC 4287): one entry per release that changed the store's handbook.
  Input
    <m:feed store="<id>" updated="YYYY-MM-DD" lang?>
      m:title, m:organisation?, <m:store id name .../>, m:l10n,
      <m:entry version date> <m:notes/>
        <m:section status="changed|added|removed" id title/> ...
      </m:entry> ... (newest first)
    </m:feed>
  output <m:pages> with <m:page href="<id>.xml"> holding an Atom <feed>
  (not HTML: manualgen writes it as XML).  Each entry links to the
  release's change page for the store, ../<version>/stores/<id>/changes.html
  (relative, so resolved against the feed's own address), and sums up the
  notes and the titles of the sections that changed, by status.
  Ids are tag: URIs (RFC 4151) built from the store id alone, so that they
  never change: <feed.tag>store/<id> and <feed.tag>store/<id>/<version>.

  Parameters:
    feed.tag   here   the tag: URI prefix, authority and date  'tag:manualgen,2026:'
                      (must never change once feeds are read)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns="http://www.w3.org/2005/Atom"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m #default">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/titlepage.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- The first part of every id: "tag:" authority "," date ":". -->
  <xsl:param name="feed.tag" select="'tag:manualgen,2026:'"/>

  <xsl:template match="/">
    <xsl:if test="not(m:feed)">
      <xsl:message terminate="yes">error: feed.xsl expects an m:feed root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:feed"/>
    </m:pages>
  </xsl:template>

  <xsl:template match="m:feed">
    <xsl:variable name="id" select="string(@store)"/>
    <m:page href="{$id}.xml">
      <feed xml:lang="{$page.lang}">
        <title>
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'feed-title'"/>
            <xsl:with-param name="arg1" select="string(m:title)"/>
            <xsl:with-param name="arg2" select="string(m:store/@name)"/>
          </xsl:call-template>
        </title>
        <id><xsl:value-of select="concat($feed.tag, 'store/', $id)"/></id>
        <updated>
          <xsl:call-template name="atom.date">
            <xsl:with-param name="date" select="@updated"/>
          </xsl:call-template>
        </updated>
        <author>
          <name>
            <xsl:choose>
              <xsl:when test="normalize-space(m:organisation) != ''">
                <xsl:value-of select="m:organisation"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="m:title"/></xsl:otherwise>
            </xsl:choose>
          </name>
        </author>
        <link rel="self" type="application/atom+xml" href="{$id}.xml"/>
        <xsl:apply-templates select="m:entry">
          <xsl:with-param name="id" select="$id"/>
        </xsl:apply-templates>
      </feed>
    </m:page>
  </xsl:template>

  <xsl:template match="m:entry">
    <xsl:param name="id"/>
    <entry>
      <id><xsl:value-of select="concat($feed.tag, 'store/', $id, '/', @version)"/></id>
      <title>
        <xsl:call-template name="version.name">
          <xsl:with-param name="version" select="@version"/>
        </xsl:call-template>
      </title>
      <updated>
        <xsl:call-template name="atom.date">
          <xsl:with-param name="date" select="@date"/>
        </xsl:call-template>
      </updated>
      <link rel="alternate" type="text/html"
            href="../{@version}/stores/{$id}/changes.html"/>
      <summary type="text">
        <xsl:if test="normalize-space(m:notes) != ''">
          <xsl:value-of select="normalize-space(m:notes)"/>
          <xsl:text>&#10;</xsl:text>
        </xsl:if>
        <xsl:call-template name="sections.by.status">
          <xsl:with-param name="status" select="'changed'"/>
        </xsl:call-template>
        <xsl:call-template name="sections.by.status">
          <xsl:with-param name="status" select="'added'"/>
        </xsl:call-template>
        <xsl:call-template name="sections.by.status">
          <xsl:with-param name="status" select="'removed'"/>
        </xsl:call-template>
      </summary>
    </entry>
  </xsl:template>

  <!-- One line of the summary: "修改：巡视时间、店长" (none when no
       section has $status). -->
  <xsl:template name="sections.by.status">
    <xsl:param name="status"/>
    <xsl:variable name="s" select="m:section[@status = $status]"/>
    <xsl:if test="$s">
      <xsl:call-template name="gentext.label">
        <xsl:with-param name="key" select="concat('change-status.', $status)"/>
      </xsl:call-template>
      <xsl:call-template name="gentext.list">
        <xsl:with-param name="nodes" select="$s/@title"/>
      </xsl:call-template>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- A day as an RFC 3339 date-time: midnight UTC. -->
  <xsl:template name="atom.date">
    <xsl:param name="date"/>
    <xsl:value-of select="concat($date, 'T00:00:00Z')"/>
  </xsl:template>

</xsl:stylesheet>
