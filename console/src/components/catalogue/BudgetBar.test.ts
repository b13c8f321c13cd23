/** The budget bar says every figure in words, and says "over-committed" in words, not only in red. */
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import BudgetBar from './BudgetBar.vue';

const bar = (props: { total: string; spent: string; remaining: string }) => mount(BudgetBar, { props: { name: 'FY26 marketing', currency: 'USD', ...props } });

describe('BudgetBar', () => {
  it('shows spent, reserved and left as text and as the meter value', () => {
    const w = bar({ total: '5000.00', spent: '1200.00', remaining: '3000.00' });
    const text = w.get('[data-testid="budget-summary"]').text().replace(/\s+/g, ' ');
    expect(text).toContain('24% spent (1,200.00 USD)');
    expect(text).toContain('16% reserved (800.00 USD)');
    expect(text).toContain('3,000.00 USD left of 5,000.00 USD');
    expect(w.find('[data-testid="over-committed"]').exists()).toBe(false);
    const meter = w.get('[role="meter"]');
    expect(meter.attributes('aria-label')).toBe('FY26 marketing utilisation');
    expect(meter.attributes('aria-valuenow')).toBe('40');
    expect(meter.attributes('aria-valuetext')).toBe('24% spent (1,200.00 USD), 16% reserved (800.00 USD), 3,000.00 USD left of 5,000.00 USD');
    expect((w.get('.spent').element as HTMLElement).style.width).toBe('24%');
    expect((w.get('.reserved').element as HTMLElement).style.width).toBe('16%');
  });

  it('says in words when campaigns reserve more than the budget has, and keeps the bar within 100 %', () => {
    const w = bar({ total: '1000.00', spent: '700.00', remaining: '-250.50' });
    expect(w.get('[data-testid="over-committed"]').text()).toContain('Over-committed by 250.50 USD');
    const text = w.get('[data-testid="budget-summary"]').text().replace(/\s+/g, ' ');
    expect(text).toContain('70% spent (700.00 USD)');
    expect(text).toContain('55% reserved (550.50 USD)');
    expect(text).not.toContain('left');
    expect(w.get('[role="meter"]').attributes('aria-valuenow')).toBe('100');
    expect((w.get('.reserved').element as HTMLElement).style.width).toBe('30%');
  });

  it('handles a budget of zero without dividing by it', () => {
    const w = bar({ total: '0.00', spent: '0.00', remaining: '0.00' });
    expect(w.get('[data-testid="budget-summary"]').text()).toContain('0% spent (0.00 USD)');
  });
});
