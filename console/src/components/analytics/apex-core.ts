/**
 * The ApexCharts pieces the analytics charts use, and nothing else: the core class with the line,
 * bar, range bar (the campaign timeline) and heat map types, the legend and keyboard navigation.
 * The full `apexcharts` entry weighs about 935 kB (267 kB gzipped) because it registers every chart
 * type and feature.
 */
import 'apexcharts/line';
import 'apexcharts/bar';
import 'apexcharts/column';
import 'apexcharts/rangeBar';
import 'apexcharts/heatmap';
import 'apexcharts/features/legend';
import 'apexcharts/features/keyboard';
import VueApexCharts from 'vue3-apexcharts/core';

export default VueApexCharts;
