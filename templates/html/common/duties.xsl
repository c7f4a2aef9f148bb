<?xml version="1.0" encoding="UTF-8"?>
<!--
  duties.xsl: declared duties and forms (docs/design.md, "Duties and
  forms").  Import it after cmark.xsl: its duty item overrides cmark's.

    md:item[@m:duty]      a duty item: <li class="duty" id="duty.<id>">
                          the id, the declared title (bold), the text,
                          and when the hall's owner is not the declared
                          one, "本厅由 X 承担"; a copy (m:from-title) has
                          no id and says which post it comes from
    m:reassigned-duties   the duties this hall gives the section's post:
                          a heading (duties.reassigned) and the items
    m:duties  mode duties.content   the duty matrix: one row per duty, one
                          column per post of the hall and one for owners
                          outside; not-applicable duties listed apart
    m:forms   mode forms.content    every form: who fills it, how long it
                          is kept, its columns and rows, or its items
  $duties.level: the heading level of the two parts (1 on their own page,
  1 in the handbook too, where each is a part of its own).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <xsl:template match="md:item[@m:duty]">
    <li class="duty">
      <xsl:if test="not(@m:from-title)">
        <xsl:attribute name="id">
          <xsl:value-of select="concat('duty.', @m:duty)"/>
        </xsl:attribute>
      </xsl:if>
      <span class="duty-id"><xsl:value-of select="@m:duty"/></span>
      <xsl:text> </xsl:text>
      <strong class="duty-title"><xsl:value-of select="@m:duty-title"/></strong>
      <xsl:text> </xsl:text>
      <xsl:apply-templates select="*"/>
      <xsl:if test="@m:owner-title and not(@m:from-title)">
        <xsl:text> </xsl:text>
        <span class="duty-owner">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'duty.owner-here'"/>
            <xsl:with-param name="arg1" select="string(@m:owner-title)"/>
          </xsl:call-template>
        </span>
      </xsl:if>
      <xsl:if test="@m:from-title">
        <xsl:text> </xsl:text>
        <span class="duty-from">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'duty.from'"/>
            <xsl:with-param name="arg1" select="string(@m:from-title)"/>
          </xsl:call-template>
        </span>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="m:reassigned-duties">
    <div class="reassigned-duties">
      <xsl:element name="h{3 + $md.heading.offset}">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'duties.reassigned'"/>
        </xsl:call-template>
      </xsl:element>
      <xsl:apply-templates select="*"/>
    </div>
  </xsl:template>

  <!-- the duty matrix -->
  <xsl:template match="m:duties" mode="duties.content">
    <xsl:variable name="posts" select="m:post"/>
    <xsl:variable name="outside" select="m:duty[@outside]"/>
    <xsl:element name="h{1 + $md.heading.offset}">
      <xsl:attribute name="id">part.duties</xsl:attribute>
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'duties'"/>
      </xsl:call-template>
    </xsl:element>
    <div class="table-wrap" tabindex="0" role="group">
      <xsl:call-template name="table.scroll.label"/>
      <table class="duty-matrix">
        <thead>
          <tr>
            <th scope="col">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'duties.duty'"/>
              </xsl:call-template>
            </th>
            <xsl:for-each select="$posts">
              <th scope="col"><xsl:value-of select="@title"/></th>
            </xsl:for-each>
            <th scope="col">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'duties.outside'"/>
              </xsl:call-template>
            </th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="m:duty[@status != 'not-applicable']">
            <xsl:variable name="d" select="."/>
            <tr>
              <th scope="row">
                <span class="duty-id"><xsl:value-of select="@id"/></span>
                <xsl:text> </xsl:text>
                <xsl:value-of select="@title"/>
              </th>
              <xsl:for-each select="$posts">
                <td>
                  <xsl:if test="@key = $d/@owner">
                    <xsl:attribute name="class">owner</xsl:attribute>
                    <xsl:call-template name="gentext">
                      <xsl:with-param name="key" select="'duties.owner-mark'"/>
                    </xsl:call-template>
                  </xsl:if>
                </td>
              </xsl:for-each>
              <td>
                <xsl:if test="@outside">
                  <xsl:attribute name="class">owner</xsl:attribute>
                  <xsl:value-of select="@owner-title"/>
                </xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <xsl:if test="m:duty[@status = 'not-applicable']">
      <xsl:element name="h{2 + $md.heading.offset}">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'duties.not-applicable'"/>
        </xsl:call-template>
      </xsl:element>
      <ul class="duties-not-applicable">
        <xsl:for-each select="m:duty[@status = 'not-applicable']">
          <li>
            <span class="duty-id"><xsl:value-of select="@id"/></span>
            <xsl:text> </xsl:text>
            <xsl:value-of select="@title"/>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- the forms -->
  <xsl:template match="m:forms" mode="forms.content">
    <xsl:element name="h{1 + $md.heading.offset}">
      <xsl:attribute name="id">part.forms</xsl:attribute>
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'forms'"/>
      </xsl:call-template>
    </xsl:element>
    <xsl:for-each select="m:form">
      <section class="form" id="form.{@id}">
        <xsl:element name="h{2 + $md.heading.offset}">
          <xsl:value-of select="@title"/>
        </xsl:element>
        <p class="form-meta">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'forms.filled-by'"/>
            <xsl:with-param name="arg1" select="string(@owner-title)"/>
          </xsl:call-template>
          <xsl:if test="@keep-months">
            <xsl:text> </xsl:text>
            <xsl:call-template name="gentext.template">
              <xsl:with-param name="key" select="'forms.keep'"/>
              <xsl:with-param name="arg1" select="string(@keep-months)"/>
            </xsl:call-template>
          </xsl:if>
        </p>
        <xsl:if test="m:column">
          <div class="table-wrap" tabindex="0" role="group">
            <xsl:call-template name="table.scroll.label"/>
            <table class="form-table">
              <thead>
                <tr>
                  <xsl:for-each select="m:column">
                    <th scope="col"><xsl:value-of select="."/></th>
                  </xsl:for-each>
                </tr>
              </thead>
              <tbody>
                <xsl:variable name="cols" select="m:column"/>
                <xsl:for-each select="m:row">
                  <tr>
                    <th scope="row"><xsl:value-of select="."/></th>
                    <xsl:for-each select="$cols[position() > 1]">
                      <td></td>
                    </xsl:for-each>
                  </tr>
                </xsl:for-each>
                <xsl:call-template name="blank.rows">
                  <xsl:with-param name="n" select="number(concat('0', @blank-rows))"/>
                  <xsl:with-param name="cols" select="count($cols)"/>
                </xsl:call-template>
              </tbody>
            </table>
          </div>
        </xsl:if>
        <xsl:if test="m:item">
          <ul class="form-items">
            <xsl:for-each select="m:item">
              <li><input type="checkbox" disabled="" aria-label="{.}"/><xsl:text> </xsl:text><xsl:value-of select="."/></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
      </section>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="blank.rows">
    <xsl:param name="n"/>
    <xsl:param name="cols"/>
    <xsl:if test="$n > 0">
      <tr>
        <xsl:call-template name="blank.cells">
          <xsl:with-param name="n" select="$cols"/>
        </xsl:call-template>
      </tr>
      <xsl:call-template name="blank.rows">
        <xsl:with-param name="n" select="$n - 1"/>
        <xsl:with-param name="cols" select="$cols"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="blank.cells">
    <xsl:param name="n"/>
    <xsl:if test="$n > 0">
      <td></td>
      <xsl:call-template name="blank.cells">
        <xsl:with-param name="n" select="$n - 1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
