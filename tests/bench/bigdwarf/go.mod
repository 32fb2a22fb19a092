module memmap.test/bigdwarf

go 1.22
