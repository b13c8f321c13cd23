/**
 * Every migration, in order. Listed explicitly (not discovered from files) so the same list works
 * under tsx, vitest and a bundled build; `npm run migration:create` reminds you to add the new one,
 * and the schema-agreement test fails if you forget.
 */
import { Migration20261124111508_initial } from './Migration20261124111508_initial.ts';
import { Migration20261124112645_domain_model } from './Migration20261124112645_domain_model.ts';
import { Migration20261124122013_send_and_segment_indexes } from './Migration20261124122013_send_and_segment_indexes.ts';
import { Migration20261124123124_provider_rate_limits } from './Migration20261124123124_provider_rate_limits.ts';
import { Migration20261124141041_auth_sessions } from './Migration20261124141041_auth_sessions.ts';
import { Migration20261124141348_audit_ip } from './Migration20261124141348_audit_ip.ts';
import { Migration20261124141444_tracking } from './Migration20261124141444_tracking.ts';
import { Migration20261124143505_outbox_events } from './Migration20261124143505_outbox_events.ts';
import { Migration20261124145607_approval_second_factor } from './Migration20261124145607_approval_second_factor.ts';
import { Migration20261124165720_campaign_channel_metrics } from './Migration20261124165720_campaign_channel_metrics.ts';
import { Migration20261124170116_attribution } from './Migration20261124170116_attribution.ts';
import { Migration20261124171000_analytics_rollups } from './Migration20261124171000_analytics_rollups.ts';
import { Migration20261124171500_outbound_webhooks } from './Migration20261124171500_outbound_webhooks.ts';
import { Migration20261124180000_dashboard_layouts } from './Migration20261124180000_dashboard_layouts.ts';
import { Migration20261124172500_analytics_lead_stages } from './Migration20261124172500_analytics_lead_stages.ts';
import { Migration20261124173000_scheduled_reports } from './Migration20261124173000_scheduled_reports.ts';
import { Migration20261124181500_analytics_events_first_join } from './Migration20261124181500_analytics_events_first_join.ts';
import { Migration20261124231212_recurring_occurrences } from './Migration20261124231212_recurring_occurrences.ts';
import { Migration20261124233000_campaign_funnels_view } from './Migration20261124233000_campaign_funnels_view.ts';
import { Migration20261124233314_unattributed_rollup } from './Migration20261124233314_unattributed_rollup.ts';
import { Migration20261125000009_currency_conversion } from './Migration20261125000009_currency_conversion.ts';
import { Migration20261125030000_campaign_final_counts } from './Migration20261125030000_campaign_final_counts.ts';
import { Migration20261125031000_message_cost } from './Migration20261125031000_message_cost.ts';
import { Migration20261125033000_contacts_segmentable } from './Migration20261125033000_contacts_segmentable.ts';

export const MIGRATIONS = [
  { name: 'Migration20261124111508_initial', class: Migration20261124111508_initial },
  { name: 'Migration20261124112645_domain_model', class: Migration20261124112645_domain_model },
  { name: 'Migration20261124122013_send_and_segment_indexes', class: Migration20261124122013_send_and_segment_indexes },
  { name: 'Migration20261124123124_provider_rate_limits', class: Migration20261124123124_provider_rate_limits },
  { name: 'Migration20261124141041_auth_sessions', class: Migration20261124141041_auth_sessions },
  { name: 'Migration20261124141348_audit_ip', class: Migration20261124141348_audit_ip },
  { name: 'Migration20261124141444_tracking', class: Migration20261124141444_tracking },
  { name: 'Migration20261124143505_outbox_events', class: Migration20261124143505_outbox_events },
  { name: 'Migration20261124145607_approval_second_factor', class: Migration20261124145607_approval_second_factor },
  { name: 'Migration20261124165720_campaign_channel_metrics', class: Migration20261124165720_campaign_channel_metrics },
  { name: 'Migration20261124170116_attribution', class: Migration20261124170116_attribution },
  { name: 'Migration20261124171000_analytics_rollups', class: Migration20261124171000_analytics_rollups },
  { name: 'Migration20261124171500_outbound_webhooks', class: Migration20261124171500_outbound_webhooks },
  { name: 'Migration20261124172500_analytics_lead_stages', class: Migration20261124172500_analytics_lead_stages },
  { name: 'Migration20261124173000_scheduled_reports', class: Migration20261124173000_scheduled_reports },
  { name: 'Migration20261124180000_dashboard_layouts', class: Migration20261124180000_dashboard_layouts },
  { name: 'Migration20261124181500_analytics_events_first_join', class: Migration20261124181500_analytics_events_first_join },
  { name: 'Migration20261124231212_recurring_occurrences', class: Migration20261124231212_recurring_occurrences },
  { name: 'Migration20261124233000_campaign_funnels_view', class: Migration20261124233000_campaign_funnels_view },
  { name: 'Migration20261124233314_unattributed_rollup', class: Migration20261124233314_unattributed_rollup },
  { name: 'Migration20261125000009_currency_conversion', class: Migration20261125000009_currency_conversion },
  { name: 'Migration20261125030000_campaign_final_counts', class: Migration20261125030000_campaign_final_counts },
  { name: 'Migration20261125031000_message_cost', class: Migration20261125031000_message_cost },
  { name: 'Migration20261125033000_contacts_segmentable', class: Migration20261125033000_contacts_segmentable },
];
