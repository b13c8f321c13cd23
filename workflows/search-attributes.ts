import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes Herald keeps on every campaign workflow, so ops can filter them. */
export const CampaignIdKey = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const CompanyIdKey = defineSearchAttributeKey('CompanyId', SearchAttributeType.KEYWORD);
export const CampaignStatusKey = defineSearchAttributeKey('CampaignStatus', SearchAttributeType.KEYWORD);

/** Name → CLI type, for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTES = {
  CampaignId: 'Keyword',
  CompanyId: 'Keyword',
  CampaignStatus: 'Keyword',
} as const;
